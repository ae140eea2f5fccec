"""Driver of scripts/bench-ab: times plan binaries against each other on the nothing-pending
runs, interleaved. Environment (set by scripts/bench-ab): PLAN_TEST_DATABASE_URL, PLAN_PG_BIN,
PG_DATA, PLAN_ROOT, BENCH_TMP."""

import argparse
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
TMP = os.environ["BENCH_TMP"]
ADMIN = os.environ["PLAN_TEST_DATABASE_URL"]
PSQL = os.path.join(os.environ["PLAN_PG_BIN"], "psql")
HIST = os.path.join(TMP, "hist")
RELEASE = os.path.join(TMP, "release.plan.yaml")
BILLING = os.path.join(ROOT, "examples", "billing-service")
TRUST = "bench_trust"


def url(db, role=None):
    p = urlsplit(ADMIN)
    netloc = p.netloc if role is None else f"{role}@{p.hostname}:{p.port}"
    return urlunsplit((p.scheme, netloc, "/" + db, "", ""))


def psql(sql, db="postgres"):
    subprocess.run([PSQL, "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", url(db), "-c", sql],
                   check=True, stdout=subprocess.DEVNULL)


def setup(plan):
    """The databases at nothing pending, and a role the server trusts (no SCRAM handshake)."""
    shutil.rmtree(HIST, ignore_errors=True)
    subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "bench_lib", "gen_history.py"), "steady", "500", "1", HIST],
                   check=True)
    with open(RELEASE, "w") as f:
        f.write("plan: 1\nname: bench-release\nsettings:\n  database_url: ${{ env.DATABASE_URL }}\n"
                f"  migrations: {os.path.relpath(HIST, TMP)}\n"
                "steps:\n  - name: apply migrations\n    migrate: { transaction: per-migration }\n"
                "  - name: post-deploy checks\n    verify:\n      checks:\n        - migrations: up-to-date\n"
                "        - invalid-indexes: none\n")
    for db in ("noop_billing", "noop_steady"):
        psql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        psql(f'CREATE DATABASE "{db}"')
    for cwd, plan_file, db in [(BILLING, "release.plan.yaml", "noop_billing"), (TMP, RELEASE, "noop_steady")]:
        subprocess.run([plan, "run", plan_file], cwd=cwd, env=dict(os.environ, DATABASE_URL=url(db)), check=True,
                       stdout=subprocess.DEVNULL)
    psql(f"DROP ROLE IF EXISTS {TRUST}; CREATE ROLE {TRUST} LOGIN SUPERUSER")
    hba = os.path.join(os.environ["PG_DATA"], "data", "pg_hba.conf")
    with open(hba) as f:
        lines = f.read()
    line = f"host all {TRUST} 127.0.0.1/32 trust\n"
    if line not in lines:
        with open(hba, "w") as f:
            f.write(line + lines)
    psql("SELECT pg_reload_conf()")
    psql("VACUUM ANALYZE", "noop_steady")
    psql("CHECKPOINT")


def cases(plan):
    out = []
    for auth, role in (("SCRAM", None), ("trust", TRUST)):
        out.append((f"billing release plan, {auth}", [plan, "run", "release.plan.yaml"], BILLING,
                    {"DATABASE_URL": url("noop_billing", role)}))
        out.append((f"migrate + verify plan, 500 applied, {auth}", [plan, "run", RELEASE], TMP,
                    {"DATABASE_URL": url("noop_steady", role)}))
        out.append((f"plan migrate, 500 applied, {auth}",
                    [plan, "migrate", "--database-url", url("noop_steady", role), "--migrations", HIST], TMP, {}))
    out.append(("plan --version", [plan, "--version"], TMP, {}))
    return out


def once(argv, cwd, extra):
    """Wall and CPU (user + sys) milliseconds of one run."""
    started = time.perf_counter()
    child = subprocess.Popen(argv, cwd=cwd, env=dict(os.environ, **extra), stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(argv)} failed")
    return wall * 1000, (usage.ru_utime + usage.ru_stime) * 1000


def quantile(xs, f):
    s = sorted(xs)
    return s[min(len(s) - 1, int(f * len(s)))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=100)
    ap.add_argument("--cases", default="", help="only the cases whose label matches this regular expression")
    ap.add_argument("binaries", nargs="+", metavar="NAME=BINARY")
    args = ap.parse_args()
    bins = {n: os.path.abspath(b) for n, b in (a.split("=", 1) for a in args.binaries)}
    names = list(bins)
    setup(bins[names[0]])
    per = {n: [c for c in cases(b) if re.search(args.cases, c[0])] for n, b in bins.items()}
    load = [open("/proc/loadavg").read().split()[:3]]
    for n in names:
        for _, argv, cwd, env in per[n]:
            once(argv, cwd, env)
    samples = {}
    for _ in range(args.rounds):
        for i in range(len(per[names[0]])):
            order = names[:]
            random.shuffle(order)
            for n in order:
                label, argv, cwd, env = per[n][i]
                samples.setdefault((label, n), []).append(once(argv, cwd, env))
    load.append(open("/proc/loadavg").read().split()[:3])
    print(f"{args.rounds} rounds; load average {' '.join(load[0])} -> {' '.join(load[1])}")
    for label, *_ in per[names[0]]:
        print(label)
        for n in names:
            wall = [s[0] for s in samples[(label, n)]]
            cpu = [s[1] for s in samples[(label, n)]]
            print(f"  {n:>10}: {statistics.median(wall):6.2f} ms (p10 {quantile(wall, .1):.2f}, "
                  f"quartiles {quantile(wall, .25):.2f}-{quantile(wall, .75):.2f}), CPU {statistics.median(cpu):.2f} ms")
        for before, n in zip(names, names[1:]):
            pairs = list(zip(samples[(label, before)], samples[(label, n)]))
            diff = [b[0] - a[0] for a, b in pairs]
            cpu = [b[1] - a[1] for a, b in pairs]
            boots = sorted(statistics.median(random.choices(diff, k=len(diff))) for _ in range(2000))
            print(f"  {n} - {before}: {statistics.median(diff):+.2f} ms wall (95% {boots[50]:+.2f} .. {boots[1949]:+.2f}), "
                  f"{statistics.median(cpu):+.2f} ms CPU")


if __name__ == "__main__":
    main()
