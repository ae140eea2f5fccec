"""`scripts/bench --only fleet`: one plan across many databases. N databases (default 200), each
made from an empty template, get the same generated history (default 30 migrations) from

  - a shell loop of single `plan migrate` runs, one database after another (what teams write
    today around `prisma migrate deploy`), and
  - `plan run release.plan.yaml --targets targets.yaml --parallel P` for P in 1, 2, 4, 8,

taking turns, every database dropped and re-created before each runner, so each one does the same
work from the same state. Besides wall time, it reads where the CPU went: plan's (this script's
children: the loop or the fleet with every child it waited for) and the server's (the postmaster's
own, its reaped backends' — /proc's cutime/cstime — and its live children's), so the table says
how close the two cores were to fully busy.
"""

import os
import resource
import shutil
import statistics
import subprocess
import time
from urllib.parse import urlsplit, urlunsplit

BEGIN_MARK = "<!-- scripts/bench --only fleet: generated from here -->"
END_MARK = "<!-- scripts/bench --only fleet: generated up to here -->"


def ticks_per_second():
    return os.sysconf("SC_CLK_TCK")


def server_cpu_seconds(pg_data):
    """CPU seconds the server has used so far: the postmaster, its exited children (reaped, so in
    its cutime/cstime) and its live ones."""
    with open(os.path.join(pg_data, "data", "postmaster.pid")) as f:
        postmaster = int(f.readline())

    def fields(pid):
        with open(f"/proc/{pid}/stat") as f:
            text = f.read()
        return text[text.rindex(")") + 2:].split()  # from field 3 (state) on

    own = fields(postmaster)
    total = sum(int(own[i]) for i in (11, 12, 13, 14))  # utime, stime, cutime, cstime
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            f = fields(entry)
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
        if int(f[1]) == postmaster:  # ppid
            total += int(f[11]) + int(f[12])
    return total / ticks_per_second()


def children_cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def measure(plan, psql, admin_url, pg_data, tmp, history_dir, count, parallels):
    parts = urlsplit(admin_url)

    def url(db):
        return urlunsplit((parts.scheme, parts.netloc, "/" + db, "", ""))

    def sql(statement, db="postgres"):
        r = subprocess.run([psql, "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", url(db), "-c", statement],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"psql failed: {statement}: {r.stderr}")
        return r.stdout.strip()

    project = os.path.join(tmp, "fleet-project")
    shutil.rmtree(project, ignore_errors=True)
    os.makedirs(os.path.join(project, "prisma"))
    shutil.copytree(history_dir, os.path.join(project, "prisma", "migrations"))
    with open(os.path.join(project, "release.plan.yaml"), "w") as f:
        f.write("plan: 1\nname: tenants\nsteps:\n  - migrate: {}\n")
    names = [f"bench_fleet_{i}" for i in range(1, count + 1)]
    with open(os.path.join(project, "targets.yaml"), "w") as f:
        f.write("targets:\n")
        for name in names:
            f.write(f'  - {{ name: {name}, url: "${{{{ env.FLEET_SERVER }}}}/{name}" }}\n')
    migrations = len([d for d in os.listdir(history_dir) if os.path.isdir(os.path.join(history_dir, d))])
    environment = dict(os.environ, FLEET_SERVER=urlunsplit((parts.scheme, parts.netloc, "", "", "")))
    environment.pop("DATABASE_URL", None)

    def recreate():
        statements = "".join(f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE); CREATE DATABASE "{n}";' for n in names)
        r = subprocess.run([psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url("postgres")], input=statements + "CHECKPOINT;",
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(r.stderr)

    loop = ("for db in " + " ".join(names) + "; do DATABASE_URL=\"$FLEET_SERVER/$db\" \"$PLAN\" migrate >/dev/null || exit 1; done")
    cases = [("shell loop of `plan migrate`, one database at a time", ["bash", "-c", loop])]
    for p in parallels:
        cases.append((f"`plan run --targets --parallel {p}`", [plan, "run", "release.plan.yaml", "--targets", "targets.yaml",
                                                               "--parallel", str(p)]))
    # The loop again last: the baseline is the mean of both, so a drift of the machine's load
    # over the run does not favour whoever ran first or last.
    cases.append(("shell loop of `plan migrate`, again", cases[0][1]))
    results = []
    for label, argv in cases:
        recreate()
        env = dict(environment, PLAN=plan)
        server_before = server_cpu_seconds(pg_data)
        plan_before = children_cpu_seconds()
        load = open("/proc/loadavg").read().split()[0]
        started = time.monotonic()
        r = subprocess.run(argv, cwd=project, env=env, capture_output=True, text=True)
        wall = time.monotonic() - started
        plan_cpu = children_cpu_seconds() - plan_before
        server = server_cpu_seconds(pg_data) - server_before
        if r.returncode != 0:
            raise RuntimeError(f"{label} failed ({r.returncode}): {r.stdout[-2000:]} {r.stderr[-2000:]}")
        # Every database got the whole history.
        for db in (names[0], names[len(names) // 2], names[-1]):
            applied = sql("SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL", db)
            if int(applied) != migrations:
                raise RuntimeError(f"{label}: {db} has {applied} of {migrations} migrations")
        results.append({"label": label, "wall": wall, "plan_cpu": plan_cpu, "server_cpu": server, "load": load})
        print(f"{label:<60} {wall:6.1f} s  plan CPU {plan_cpu:5.1f} s  server CPU {server:5.1f} s  (load {load})", flush=True)
    for n in names:
        sql(f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)')
    return {"count": count, "migrations": migrations, "results": results}


def render(measured, facts, head):
    results = measured["results"]
    loops = [results[0], results[-1]]
    base = (loops[0]["wall"] + loops[1]["wall"]) / 2
    cores = os.cpu_count()
    L = [BEGIN_MARK, "", f"## Fleets: {measured['count']} databases × a {measured['migrations']}-migration history", ""]
    L.append(f"`scripts/bench --only fleet`, commit {head}: the generated steady history (`gen_history.py steady "
             f"{measured['migrations']}`) into {measured['count']} empty databases on one local server, every database "
             "dropped and re-created before each runner; the runners take turns in the order shown. "
             "CPU is plan's (the loop's or the fleet's processes and every child they waited for) and the server's "
             "(postmaster, its backends and background processes, from /proc).")
    L.append("")
    L.append("| machine | |")
    L.append("|---|---|")
    for k, v in facts:
        L.append(f"| {k} | {v} |")
    L.append("")
    L.append(f"| runner | wall | speed-up over the loop (mean of its two runs) | per database | plan CPU | server CPU | cores busy (of {cores}) | load before |")
    L.append("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        busy = (r["plan_cpu"] + r["server_cpu"]) / r["wall"]
        L.append(f"| {r['label']} | {r['wall']:.1f} s | {base / r['wall']:.2f}× | "
                 f"{r['wall'] / measured['count'] * 1000:.0f} ms | {r['plan_cpu']:.1f} s | {r['server_cpu']:.1f} s | "
                 f"{busy:.2f} | {r['load']} |")
    L.append("")
    best = max(results[1:-1], key=lambda r: base / r["wall"])
    share = best["server_cpu"] / (best["plan_cpu"] + best["server_cpu"])
    busy = (best["plan_cpu"] + best["server_cpu"]) / best["wall"]
    loop_busy = sum(r["plan_cpu"] + r["server_cpu"] for r in loops) / sum(r["wall"] for r in loops)
    spread = abs(loops[0]["wall"] - loops[1]["wall"]) / base
    loads = sorted(float(r["load"]) for r in results)
    server_work = statistics.mean(r["server_cpu"] for r in results)
    L.append(f"Where the time goes: the server. Whatever the runner, applying the history to {measured['count']} databases "
             f"costs the server about {server_work:.0f} s of CPU (the migrations themselves, their commits, the "
             f"`_prisma_migrations` rows) and plan {min(r['plan_cpu'] for r in results):.0f}–"
             f"{max(r['plan_cpu'] for r in results):.0f} s; so on {cores} cores no runner can take less than about "
             f"{server_work / cores:.0f} s. One database at a time, the loop keeps {loop_busy:.2f} of {cores} cores busy; "
             f"{best['label']} keeps {busy:.2f} busy ({share * 100:.0f}% of that CPU the server's) and is "
             f"{base / best['wall']:.2f}× the loop. Past {cores} targets at once, more parallelism only queues on this "
             "machine's CPU — mostly the server's, not plan's. On a fleet spread over several servers the pool's gain grows with "
             "their cores; `--per-host` keeps one server from being swamped.")
    L.append("")
    L.append(f"Noise: the machine is shared (load average {loads[0]:.1f}–{loads[-1]:.1f} before the runs, on {cores} cores), "
             f"and the two runs of the loop differ by {spread * 100:.0f}%; differences smaller than that are not "
             "the runners'.")
    L.append("")
    L.append(END_MARK)
    return "\n".join(L)
