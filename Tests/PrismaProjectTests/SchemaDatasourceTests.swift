import Testing

@testable import PrismaProject

/// The `datasource` block of Prisma schema files, with every other block skipped robustly.
@Suite struct SchemaDatasourceTests {
    private func blocks(_ text: String) throws(PrismaProjectError) -> [SchemaDatasourceBlock] {
        try SchemaDatasourceReader.datasources(file: "schema.prisma", text: text)
    }

    @Test func readsTheBlockPastBracesInStringsAndComments() throws {
        let found = try blocks(
            """
            /// The app's models. } {
            generator client {
              provider = "prisma-client-js" // }
              output   = "./generated/{client}"
            }

            model Document {
              id    String @id @default("{\\"a\\": }")
              title String @default("}}}") /// not a { block
              @@map("documents")
            }

            type Alias = String @db.Text

            enum Role {
              USER // }
              ADMIN
            }

            // datasource old { provider = "mysql" }
            datasource db {
              provider          = "postgresql" // the only one plan takes
              url               = env("NEXT_PRIVATE_DATABASE_URL")
              directUrl         = env( "NEXT_PRIVATE_DIRECT_DATABASE_URL" )
              shadowDatabaseUrl = "postgresql://localhost:5432/shadow?schema=\\u0070ublic"
              schemas           = ["public", "audit"]
              extensions        = [pgvector(map: "vector", schema: "ext"), citext]
              relationMode      = "foreignKeys"
            }

            view Totals {
              n Int @default(0)
            }
            """)
        #expect(found.count == 1)
        let block = try #require(found.first)
        #expect(block.name == "db")
        #expect(block.location == PrismaLocation(file: "schema.prisma", line: 21, column: 1))
        #expect(block.properties["provider"]?.value == .string("postgresql"))
        #expect(block.properties["url"]?.value == .environment("NEXT_PRIVATE_DATABASE_URL"))
        #expect(block.properties["url"]?.location == PrismaLocation(file: "schema.prisma", line: 23, column: 23))
        #expect(block.properties["directUrl"]?.value == .environment("NEXT_PRIVATE_DIRECT_DATABASE_URL"))
        #expect(block.properties["shadowDatabaseUrl"]?.value == .string("postgresql://localhost:5432/shadow?schema=public"))
        #expect(block.properties["schemas"]?.value == .list(["public", "audit"]))
    }

    @Test func aPrismaSevenBlockHasNoURL() throws {
        let block = try #require(try blocks("datasource db {\n  provider = \"postgres\"\n}\n").first)
        #expect(block.properties["url"] == nil)
        #expect(block.properties["provider"]?.value == .string("postgres"))
    }

    @Test func valuesPrismaWouldRefuseAreDescribed() throws {
        let block = try #require(try blocks("datasource db {\n provider = env(\"P\")\n url = concat(\"a\")\n directUrl = DIRECT\n}").first)
        #expect(block.properties["provider"]?.value == .environment("P"))
        #expect(block.properties["url"]?.value == .other("a call to `concat(…)`"))
        #expect(block.properties["directUrl"]?.value == .other("the identifier `DIRECT`"))
    }

    @Test func unclosedThingsAreSyntaxErrorsWithAPlace() {
        #expect(
            throws: PrismaProjectError.syntax(
                message: "a string is not closed on its line", location: PrismaLocation(file: "schema.prisma", line: 3, column: 9))
        ) {
            try blocks("datasource db {\n  provider = \"postgresql\"\n  url = \"postgres://x\n}")
        }
        #expect(
            throws: PrismaProjectError.syntax(
                message: "the datasource block is not closed", location: PrismaLocation(file: "schema.prisma", line: 2, column: 26))
        ) {
            try blocks("datasource db {\n  provider = \"postgresql\"")
        }
    }
}
