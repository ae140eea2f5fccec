"""Hostile files: plans that include themselves or /dev/zero, a 1 GB SQL file (sparse), a
migration.sql that is /dev/zero, a migrations folder with 20,000 entries, unreadable files.
Each must end with a clear message and a non-zero exit (or success, for the big folder), in
bounded time and memory (peak RSS from wait4)."""
import os
import shutil
import subprocess
import time

from . import fixture

LIMIT_RSS_MB = 512


def measure(args, cwd, user=None, timeout=300):
    env = dict(os.environ, NO_COLOR="1")
    env.pop("DATABASE_URL", None)
    if user:
        args = ["runuser", "-u", user, "--"] + args
    started = time.time()
    proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    try:
        output, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        return {"exit": "timeout", "seconds": timeout, "rss_mb": None, "output": ""}
    # communicate() reaped the child; its rusage is folded into RUSAGE_CHILDREN, so measure with
    # /proc-free wait4 by running again under a tiny wrapper when exact numbers are needed.
    return {"exit": proc.returncode, "seconds": round(time.time() - started, 2),
            "output": output.decode("utf-8", "replace")[-600:]}


def peak_rss(args, cwd, user=None, timeout=300):
    env = dict(os.environ, NO_COLOR="1")
    env.pop("DATABASE_URL", None)
    if user:
        args = ["runuser", "-u", user, "--"] + args
    started = time.time()
    with open(os.devnull, "wb") as null:
        out_path = os.path.join(cwd, ".hostile-output")
        with open(out_path, "wb") as out:
            proc = subprocess.Popen(args, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=env, stdin=null)
            deadline = started + timeout
            while True:
                pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    break
                if time.time() > deadline:
                    proc.kill()
                    pid, status, usage = os.wait4(proc.pid, 0)
                    return {"exit": "timeout", "seconds": timeout, "rss_mb": round(usage.ru_maxrss / 1024), "output": ""}
                time.sleep(0.02)
    with open(out_path, "rb") as f:
        output = f.read().decode("utf-8", "replace")
    code = os.waitstatus_to_exitcode(status)
    return {"exit": code, "seconds": round(time.time() - started, 2), "rss_mb": round(usage.ru_maxrss / 1024),
            "output": output[-600:]}


def run_all(binary, cluster, work):
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    os.chmod(work, 0o755)
    cases = []

    def case(name, args, cwd, want, user=None, expect_text=None):
        result = peak_rss([binary] + args, cwd, user=user)
        ok = result["exit"] in want and (result["rss_mb"] or 0) <= LIMIT_RSS_MB
        if expect_text and expect_text not in result["output"]:
            ok = False
        result.update({"case": name, "held": ok})
        cases.append(result)
        print(f"hostile {name}: exit {result['exit']}, {result['seconds']} s, peak RSS {result['rss_mb']} MB, "
              f"{'OK' if ok else 'FAILED: ' + result['output'][-300:]}", flush=True)

    def write(path, text):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)

    write(f"{work}/self.plan.yaml", "plan: 1\nname: self\nsteps:\n  - uses: self.plan.yaml\n")
    case("plan that uses itself", ["check", "self.plan.yaml"], work, {2}, expect_text="self.plan.yaml")
    write(f"{work}/zero.plan.yaml", "plan: 1\nname: zero\nsteps:\n  - uses: /dev/zero\n")
    case("plan that uses /dev/zero", ["check", "zero.plan.yaml"], work, {2})
    case("/dev/zero as the plan file", ["check", "/dev/zero"], work, {2})

    big = f"{work}/big"
    os.makedirs(big)
    with open(f"{big}/huge.sql", "wb") as f:  # sparse: 1 GB of NUL bytes, no disk used
        f.truncate(1 << 30)
    write(f"{big}/sql.plan.yaml", "plan: 1\nname: big\nsteps:\n  - sql:\n      file: huge.sql\n")
    case("sql step with a 1 GB file", ["run", "sql.plan.yaml", "--database-url", cluster.url], big, {1, 2})
    os.makedirs(f"{big}/prisma/migrations/1_huge")
    os.link(f"{big}/huge.sql", f"{big}/prisma/migrations/1_huge/migration.sql")
    database = cluster.fresh_database("hostile", extensions=())
    case("migrate with a 1 GB migration.sql", ["migrate", "--database-url", cluster.db_url(database)], big, {1, 2})
    zero = f"{work}/zero"
    os.makedirs(f"{zero}/prisma/migrations/1_zero")
    os.symlink("/dev/zero", f"{zero}/prisma/migrations/1_zero/migration.sql")
    case("migration.sql that is /dev/zero", ["migrate", "--database-url", cluster.db_url(database)], zero, {1, 2})

    many = f"{work}/many"
    base = f"{many}/prisma/migrations"
    os.makedirs(base)
    for i in range(20000):
        os.mkdir(f"{base}/{i:06d}_m")
        with open(f"{base}/{i:06d}_m/migration.sql", "w") as f:
            f.write(f"SELECT {i};\n")
    case("status of a folder with 20,000 migrations", ["status", "--database-url", cluster.db_url(database)], many, {1})
    cluster.drop_database(database)

    unreadable = f"{work}/unreadable"
    os.makedirs(f"{unreadable}/prisma/migrations/1_a")
    write(f"{unreadable}/secret.plan.yaml", "plan: 1\nname: s\nsteps: []\n")
    write(f"{unreadable}/prisma/migrations/1_a/migration.sql", "SELECT 1;\n")
    write(f"{unreadable}/uses.plan.yaml", "plan: 1\nname: u\nsteps:\n  - uses: secret.plan.yaml\n")
    for path in ("secret.plan.yaml", "prisma/migrations/1_a/migration.sql"):
        os.chmod(f"{unreadable}/{path}", 0)
    user = "plan-pg" if os.getuid() == 0 else None
    case("unreadable plan file" + (" (as plan-pg)" if user else ""), ["check", "secret.plan.yaml"], unreadable, {2}, user=user)
    case("uses: an unreadable plan" + (" (as plan-pg)" if user else ""), ["check", "uses.plan.yaml"], unreadable, {2}, user=user)
    database = cluster.fresh_database("hostile", extensions=())
    case("unreadable migration.sql" + (" (as plan-pg)" if user else ""),
         ["migrate", "--database-url", cluster.db_url(database)], unreadable, {1, 2}, user=user)
    cluster.drop_database(database)
    shutil.rmtree(work, ignore_errors=True)
    return {"cases": cases, "failed": sum(1 for c in cases if not c["held"]), "inputs": len(cases)}
