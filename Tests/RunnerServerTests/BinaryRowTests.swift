import Foundation
import Runner
import TestSupport
import Testing

@Suite("rows read in PostgreSQL's binary format")
struct BinaryRowTests {
    @Test func decodesTextBooleansIntegersAndNulls() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let connection = try database.connect()
        let rows = try connection.queryBinary(
            "SELECT 'pässwörd ✓'::text, ''::varchar(10), true, false, (-2147483648)::int4, 7::int4, NULL::text, NULL::bool, NULL::int4"
        ) { (row) throws(PostgresError) in
            [
                row.text(0), row.text(1), try row.bool(2).map(String.init), try row.bool(3).map(String.init),
                try row.int32(4).map(String.init), try row.int32(5).map(String.init), row.text(6),
                try row.bool(7).map(String.init), try row.int32(8).map(String.init),
            ]
        }
        #expect(rows == [["pässwörd ✓", "", "true", "false", "-2147483648", "7", nil, nil, nil]])
    }

    /// Microseconds since 2000 in UTC whatever the session's TimeZone and DateStyle, written as
    /// the server itself writes the same instant in UTC: hundreds of instants from 1900 to 2100
    /// with every kind of fraction, leap days, the epoch's edges, year 1, a BC date, ±infinity.
    @Test func timestampsAreTheServersInstantsWrittenInUTC() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let connection = try database.connect()
        try connection.execute(
            """
            CREATE TABLE instants (n serial, at timestamptz);
            INSERT INTO instants (at) SELECT '2000-01-01 00:00:00+00'::timestamptz
                + i * interval '37 days 5 hours 3 minutes 7.123457 seconds' FROM generate_series(-1000, 1000) i;
            INSERT INTO instants (at) VALUES ('1999-12-31 23:59:59.999999+00'), ('2000-01-01 00:00:00+00'),
                ('2024-02-29 12:00:00.5+00'), ('1970-01-01 00:00:00+00'), ('1969-12-31 23:59:59.000001+00'),
                ('2400-02-29 23:59:59+00'), ('1900-03-01 00:00:00.01+00'), ('0001-01-01 00:00:00+00'),
                ('0044-03-15 12:00:00+00 BC'), ('infinity'), ('-infinity');
            SET TimeZone = 'Pacific/Chatham'; SET DateStyle = 'SQL, DMY';
            """)
        let decoded = try connection.queryBinary("SELECT at FROM instants ORDER BY n") { (row) throws(PostgresError) in
            try row.timestampMicroseconds(0).map { PostgresTimestamp.utcText(microsecondsSince2000: $0) }
        }
        try connection.execute("SET DateStyle = ISO")
        let written = try connection.execute("SELECT (at AT TIME ZONE 'UTC')::text FROM instants ORDER BY n").rows.map { $0[0] }
        #expect(decoded.count == 2012)
        let expected = written.map { text in text.map { $0.hasSuffix("infinity") ? $0 : $0 + " UTC" } }
        for (index, (mine, servers)) in zip(decoded, expected).enumerated() where mine != servers {
            Issue.record("instant \(index + 1): \(mine ?? "nil") where the server writes \(servers ?? "nil")")
        }
    }

    @Test func aColumnOfAnotherTypeIsAnErrorNotAMisreadValue() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let connection = try database.connect()
        #expect {
            _ = try connection.queryBinary("SELECT 1::int8") { (row) throws(PostgresError) in try row.int32(0) }
        } throws: { error in
            "\(error)".contains("column 1 of the answer holds 8 bytes where 4 were expected")
        }
        let refused = try? connection.queryBinary("SELECT * FROM no_such_table") { _ in 0 }
        #expect(refused == nil)
    }
}
