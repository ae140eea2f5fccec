-- Memory is large in production: build the index without blocking writes.
-- Prisma runs a whole file in one transaction, where this statement is refused;
-- plan runs it alone, outside a transaction.
CREATE INDEX CONCURRENTLY IF NOT EXISTS "Memory_kind_idx" ON "Memory"("kind");
