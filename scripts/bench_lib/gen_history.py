"""Synthetic Prisma migration histories for scripts/bench.

Two shapes, both deterministic for a given seed:

  steady  -- many small migrations, as a product accumulates them over years: create tables,
             add/alter/rename columns with defaults, foreign keys, indexes, enum changes (some
             written as Prisma writes enum rewrites: the file's own BEGIN ... COMMIT), data
             backfills, plpgsql functions and triggers with dollar-quoted bodies, and a few
             CREATE INDEX CONCURRENTLY migrations (one statement per file, as Prisma users write
             them).
  bulky   -- few, large migrations: each creates several tables, loads tens of thousands of rows,
             backfills, and indexes them, so the server's own work dominates.

Usage: gen_history.py SHAPE COUNT SEED OUTDIR  -> OUTDIR/<14-digit timestamp>_<name>/migration.sql
"""

import os
import random
import sys
from datetime import datetime, timedelta


class History:
    def __init__(self, seed, rows_scale=1):
        self.rng = random.Random(seed)
        self.tables = []          # names of tables
        self.columns = {}         # table -> list of (column, type)
        self.enums = {}           # enum name -> values
        self.enum_columns = []    # (table, column, enum)
        self.functions = 0
        self.indexes = set()
        self.rows_scale = rows_scale
        self.seq = 0
        self.viewed = set()       # tables a view reads: their columns keep their types

    def ident(self, prefix):
        self.seq += 1
        return f"{prefix}{self.seq}"

    # ---- building blocks -------------------------------------------------------------------

    def create_table(self, rows=0):
        rng = self.rng
        name = self.ident(rng.choice(["Account", "Order", "Invoice", "Event", "Project", "Task", "Note", "Message", "Device", "Session"]))
        cols = [("id", "SERIAL"), ("createdAt", "TIMESTAMP(3)"), ("updatedAt", "TIMESTAMP(3)"), ("title", "TEXT"), ("amount", "INTEGER")]
        extra = []
        for _ in range(rng.randint(1, 4)):
            c = self.ident("field")
            t = rng.choice(["TEXT", "INTEGER", "BOOLEAN", "DECIMAL(12,2)", "JSONB", "DOUBLE PRECISION"])
            extra.append((c, t))
        parent = rng.choice(self.tables) if self.tables and rng.random() < 0.7 else None
        lines = [
            '    "id" SERIAL NOT NULL',
            '    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP',
            '    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP',
            '    "title" TEXT NOT NULL DEFAULT \'\'',
            '    "amount" INTEGER NOT NULL DEFAULT 0',
        ]
        for c, t in extra:
            default = {"TEXT": "''", "INTEGER": "0", "BOOLEAN": "false", "DECIMAL(12,2)": "0", "JSONB": "'{}'", "DOUBLE PRECISION": "0"}[t]
            lines.append(f'    "{c}" {t} NOT NULL DEFAULT {default}')
        if parent:
            lines.append(f'    "{parent}Id" INTEGER')
            extra.append((f"{parent}Id", "INTEGER"))
        sql = [f'-- CreateTable\nCREATE TABLE "{name}" (\n' + ",\n".join(lines) + f',\n\n    CONSTRAINT "{name}_pkey" PRIMARY KEY ("id")\n);']
        sql.append(f'-- CreateIndex\nCREATE INDEX "{name}_createdAt_idx" ON "{name}"("createdAt");')
        if parent:
            sql.append(f'-- CreateIndex\nCREATE INDEX "{name}_{parent}Id_idx" ON "{name}"("{parent}Id");')
            sql.append(
                f'-- AddForeignKey\nALTER TABLE "{name}" ADD CONSTRAINT "{name}_{parent}Id_fkey" FOREIGN KEY ("{parent}Id") '
                f'REFERENCES "{parent}"("id") ON DELETE SET NULL ON UPDATE CASCADE;')
        self.tables.append(name)
        self.columns[name] = cols + extra
        if rows:
            sql.append(self.insert_rows(name, rows, parent))
        return name, sql

    def insert_rows(self, table, rows, parent=None):
        rows = max(1, rows * self.rows_scale)
        fk = ""
        fk_value = ""
        if parent is None:
            parent = next((c[:-2] for c, _ in self.columns[table] if c.endswith("Id") and c[:-2] in self.columns), None)
        if parent:
            fk = f', "{parent}Id"'
            # A real parent row (or NULL while the parent is empty): the subquery runs once.
            fk_value = f', (SELECT min("id") FROM "{parent}")'
        return (
            f'-- Seed\nINSERT INTO "{table}" ("title", "amount"{fk})\n'
            f"SELECT 'item ' || g, (g * 7919) % 10000{fk_value} FROM generate_series(1, {rows}) AS g;"
        )

    def some_table(self):
        return self.rng.choice(self.tables)

    def add_column(self):
        rng = self.rng
        t = self.some_table()
        c = self.ident("col")
        kind = rng.choice(["TEXT NOT NULL DEFAULT 'n/a'", "INTEGER NOT NULL DEFAULT 0", "BOOLEAN NOT NULL DEFAULT true",
                           "TIMESTAMP(3)", "JSONB NOT NULL DEFAULT '{}'", "VARCHAR(64)"])
        self.columns[t].append((c, kind.split()[0]))
        return [f'-- AlterTable\nALTER TABLE "{t}" ADD COLUMN "{c}" {kind};']

    def alter_column(self):
        rng = self.rng
        t = self.some_table()
        choice = rng.random()
        if choice < 0.35:
            return [f'-- AlterTable\nALTER TABLE "{t}" ALTER COLUMN "title" SET DEFAULT \'untitled\';']
        if choice < 0.6 and t not in self.viewed:
            return [f'-- AlterTable\nALTER TABLE "{t}" ALTER COLUMN "amount" TYPE BIGINT;']
        if choice < 0.8:
            c = self.ident("renamed")
            old = self.ident("col")
            return [f'-- AlterTable\nALTER TABLE "{t}" ADD COLUMN "{old}" TEXT;',
                    f'-- AlterTable\nALTER TABLE "{t}" RENAME COLUMN "{old}" TO "{c}";']
        return [f'-- AlterTable\nALTER TABLE "{t}" ADD COLUMN "tmp_{self.seq}" INTEGER;',
                f'-- AlterTable\nALTER TABLE "{t}" DROP COLUMN "tmp_{self.seq}";']

    def add_index(self):
        t = self.some_table()
        n = self.ident("idx")
        unique = self.rng.random() < 0.2
        if unique:
            return [f'-- CreateIndex\nCREATE UNIQUE INDEX "{t}_{n}_key" ON "{t}"("id", "amount");']
        return [f'-- CreateIndex\nCREATE INDEX "{t}_{n}_idx" ON "{t}"("amount", "title");']

    def concurrent_index(self):
        t = self.some_table()
        n = self.ident("cidx")
        return [f'-- Built without blocking writes: runs alone, outside a transaction.\n'
                f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{t}_{n}_idx" ON "{t}"("updatedAt");']

    def create_enum(self):
        e = self.ident("Status")
        values = ["DRAFT", "ACTIVE", "ARCHIVED"]
        self.enums[e] = values
        t = self.some_table()
        c = self.ident("status")
        self.enum_columns.append((t, c, e))
        return [f"-- CreateEnum\nCREATE TYPE \"{e}\" AS ENUM ({', '.join(repr(v) for v in values)});",
                f'-- AlterTable\nALTER TABLE "{t}" ADD COLUMN "{c}" "{e}" NOT NULL DEFAULT \'DRAFT\';']

    def alter_enum(self):
        """Prisma's rewrite of an enum that loses a value: the file's own transaction block."""
        if not self.enum_columns:
            return self.create_enum(), False
        t, c, e = self.rng.choice(self.enum_columns)
        if self.rng.random() < 0.5:
            v = self.ident("V").upper()
            self.enums[e].append(v)
            return [f"-- AlterEnum\nALTER TYPE \"{e}\" ADD VALUE '{v}';"], False
        values = [v for v in self.enums[e] if v != "ARCHIVED"] or ["DRAFT"]
        if "DRAFT" not in values:
            values.insert(0, "DRAFT")
        self.enums[e] = values
        body = (
            "-- AlterEnum\nBEGIN;\n"
            f"CREATE TYPE \"{e}_new\" AS ENUM ({', '.join(repr(v) for v in values)});\n"
            f"ALTER TABLE \"{t}\" ALTER COLUMN \"{c}\" DROP DEFAULT;\n"
            f"ALTER TABLE \"{t}\" ALTER COLUMN \"{c}\" TYPE \"{e}_new\" USING (\"{c}\"::text::\"{e}_new\");\n"
            f"ALTER TYPE \"{e}\" RENAME TO \"{e}_old\";\n"
            f"ALTER TYPE \"{e}_new\" RENAME TO \"{e}\";\n"
            f"DROP TYPE \"{e}_old\";\n"
            f"ALTER TABLE \"{t}\" ALTER COLUMN \"{c}\" SET DEFAULT 'DRAFT';\n"
            "COMMIT;"
        )
        return [body], True

    def backfill(self, rows=2000):
        t = self.some_table()
        r = self.rng.random()
        if r < 0.5:
            return [self.insert_rows(t, rows)]
        return [f'-- Backfill\nUPDATE "{t}" SET "amount" = "amount" + 1, "updatedAt" = CURRENT_TIMESTAMP WHERE "id" % 3 = 0;']

    def function(self):
        self.functions += 1
        t = self.some_table()
        f = f"touch_{t.lower()}_{self.functions}"
        tag = self.rng.choice(["$$", "$fn$", "$body$"])
        return [
            f"-- Keep updatedAt current ('touch' trigger); the body has ; and 'quotes'.\n"
            f"CREATE OR REPLACE FUNCTION \"{f}\"() RETURNS trigger LANGUAGE plpgsql AS {tag}\n"
            "BEGIN\n"
            "    NEW.\"updatedAt\" := CURRENT_TIMESTAMP;\n"
            "    IF NEW.\"title\" = '' THEN\n"
            "        NEW.\"title\" := 'untitled; see ''docs''';\n"
            "    END IF;\n"
            "    RETURN NEW;\n"
            f"END;\n{tag};",
            f"CREATE TRIGGER \"{f}_trg\" BEFORE UPDATE ON \"{t}\" FOR EACH ROW EXECUTE FUNCTION \"{f}\"();",
        ]

    def view(self):
        t = self.some_table()
        v = self.ident("report")
        self.viewed.add(t)
        return [f'-- CreateView\nCREATE OR REPLACE VIEW "{v}" AS SELECT date_trunc(\'day\', "createdAt") AS day, count(*) AS n, sum("amount") AS total FROM "{t}" GROUP BY 1;']


def steady(count, seed):
    h = History(seed)
    out = []
    _, sql = h.create_table(rows=20000)
    out.append(("init", sql))
    weights = [
        ("create_table", 14), ("add_column", 22), ("alter_column", 12), ("add_index", 10), ("enum", 6),
        ("alter_enum", 5), ("backfill", 14), ("function", 6), ("view", 4), ("concurrent", 2), ("mixed", 5),
    ]
    kinds = [k for k, w in weights for _ in range(w)]
    while len(out) < count:
        k = h.rng.choice(kinds)
        if k == "create_table":
            name, sql = h.create_table(rows=h.rng.choice([0, 2000, 5000, 20000]))
            out.append((f"create_{name.lower()}", sql))
        elif k == "add_column":
            out.append(("add_column", h.add_column()))
        elif k == "alter_column":
            out.append(("alter_column", h.alter_column()))
        elif k == "add_index":
            out.append(("add_index", h.add_index()))
        elif k == "enum":
            out.append(("enum", h.create_enum()))
        elif k == "alter_enum":
            sql, _ = h.alter_enum()
            out.append(("alter_enum", sql))
        elif k == "backfill":
            out.append(("backfill", h.backfill()))
        elif k == "function":
            out.append(("touch_trigger", h.function()))
        elif k == "view":
            out.append(("report_view", h.view()))
        elif k == "concurrent":
            out.append(("concurrent_index", h.concurrent_index()))
        else:
            sql = h.add_column() + h.add_index() + h.backfill(1000)
            out.append(("feature", sql))
    return out


def bulky(count, seed):
    h = History(seed, rows_scale=1)
    out = []
    for i in range(count):
        sql = []
        for _ in range(h.rng.randint(2, 4)):
            _, s = h.create_table(rows=h.rng.choice([10000, 20000, 40000]))
            sql += s
        for _ in range(h.rng.randint(2, 5)):
            sql += h.add_column()
        sql += h.backfill(5000) + h.backfill(5000)
        sql += h.add_index() + h.add_index()
        if i % 2 == 0:
            sql += h.function()
        if i % 3 == 0:
            sql += h.create_enum()
        out.append((f"release_{i + 1}", sql))
        if i % 7 == 6:
            out.append((f"release_{i + 1}_index", h.concurrent_index()))
    return out


def main():
    shape, count, seed, outdir = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    migrations = {"steady": steady, "bulky": bulky}[shape](count, seed)
    os.makedirs(outdir, exist_ok=True)
    start = datetime(2021, 1, 4, 9, 0, 0)
    for i, (name, statements) in enumerate(migrations):
        stamp = (start + timedelta(hours=7 * i)).strftime("%Y%m%d%H%M%S")
        d = os.path.join(outdir, f"{stamp}_{name}")
        os.makedirs(d)
        with open(os.path.join(d, "migration.sql"), "w") as f:
            f.write("\n\n".join(statements) + "\n")
    with open(os.path.join(outdir, "migration_lock.toml"), "w") as f:
        f.write('provider = "postgresql"\n')


if __name__ == "__main__":
    main()
