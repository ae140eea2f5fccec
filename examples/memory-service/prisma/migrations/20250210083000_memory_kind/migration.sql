-- CreateEnum
CREATE TYPE "MemoryKind" AS ENUM ('NOTE', 'CHAT');

-- AlterTable
ALTER TABLE "Memory" ADD COLUMN "kind" "MemoryKind" NOT NULL DEFAULT 'NOTE';
