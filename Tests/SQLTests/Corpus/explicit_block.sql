-- A history entry written by hand, as some Prisma projects have.
BEGIN;
SET TRANSACTION ISOLATION LEVEL REPEATABLE READ;
ALTER TABLE "Post" ADD COLUMN "published" BOOLEAN NOT NULL DEFAULT false;
UPDATE "Post" SET "published" = true WHERE "title" <> '';
COMMIT;

CREATE INDEX CONCURRENTLY IF NOT EXISTS "Post_published_idx" ON "Post" ("published");
