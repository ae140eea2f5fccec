"""Races: N runners of the same plan started together against one fresh database, repeated."""
import subprocess
import time

from .trials import Runner


def race(cluster, runner, names, runners=16, lock_timeout="120s"):
    database = cluster.fresh_database("race")
    url = cluster.db_url(database)
    procs = []
    for _ in range(runners):
        procs.append(runner.start(url, extra=["--lock-wait", lock_timeout]))
    problems = []
    statuses = []
    for proc in procs:
        try:
            statuses.append(proc.wait(timeout=600))
        except subprocess.TimeoutExpired:
            proc.kill()
            statuses.append("hung")
    for status, proc in zip(statuses, procs):
        if status not in (0, 3):
            problems.append(f"runner exited {status}: {Runner.output(proc)[-800:]}")
        if "deadlock" in Runner.output(proc).lower():
            problems.append("a runner reported a deadlock")
    counts = cluster.psql(
        "SELECT count(*), count(DISTINCT migration_name), count(*) FILTER (WHERE finished_at IS NULL) FROM _prisma_migrations",
        database=database)
    total, distinct, unfinished = map(int, counts.split("|"))
    if (total, distinct, unfinished) != (len(names), len(names), 0):
        problems.append(f"history has {total} rows, {distinct} names, {unfinished} unfinished (want {len(names)}, {len(names)}, 0)")
    if not problems:
        cluster.drop_database(database)
    return statuses, problems
