"""Fault trials: start `plan run`, inject a fault at a random moment (SIGKILL of the runner,
pg_terminate_backend of its connections, an immediate server restart), then re-run to
completion the way an operator following the tool's instructions would, and check the
promises of SPEC §5 against the catalog."""
import os
import random
import re
import signal
import subprocess
import tempfile
import time

from . import fixture

RESOLVE_RE = re.compile(r"plan resolve --rolled-back \"?([A-Za-z0-9_]+)")
FAILED_RE = re.compile(r"migration (\S+) failed earlier")
LOST_RE = re.compile(r"SQLSTATE 57P0[1-3]|server closed the connection|connection to server .* failed|the database system is")


class Runner:
    """Runs the built binary on the trial project."""

    def __init__(self, binary, project, plan):
        self.binary = binary
        self.project = project
        self.plan = plan

    def env(self):
        env = dict(os.environ)
        env.pop("DATABASE_URL", None)
        env["NO_COLOR"] = "1"
        return env

    def start(self, url, extra=()):
        log = tempfile.TemporaryFile()
        proc = subprocess.Popen([self.binary, "run", self.plan, "--database-url", url, "--lock-wait", "60s", *extra],
                                cwd=self.project, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=self.env())
        proc.log = log
        return proc

    @staticmethod
    def output(proc):
        proc.log.seek(0)
        return proc.log.read().decode("utf-8", "replace")

    def run(self, url, extra=(), timeout=300):
        out = subprocess.run([self.binary, "run", self.plan, "--database-url", url, "--lock-wait", "60s", *extra],
                             cwd=self.project, capture_output=True, text=True, env=self.env(), timeout=timeout)
        return out.returncode, out.stdout + out.stderr

    def resolve_rolled_back(self, url, name):
        out = subprocess.run([self.binary, "resolve", "--rolled-back", name, "--database-url", url,
                              "--migrations", "prisma/migrations"], cwd=self.project, capture_output=True, text=True,
                             env=self.env(), timeout=120)
        return out.returncode, out.stdout + out.stderr


def complete(runner, url, actions, attempts=8):
    """Re-runs until exit 0, following the instructions printed on the way. Returns the last
    (status, output); `actions` collects what was done, for the report."""
    extra = []
    status, output = None, ""
    for _ in range(attempts):
        status, output = runner.run(url, extra)
        if status == 0:
            return status, output
        if status == 3:  # the killed runner's session still held the lock: wait and retry
            actions.append("retry after lock timeout")
            time.sleep(1)
            continue
        if status == 1 and ("failed earlier" in output or "did not finish" in output):
            if "on_failed: resume" in output and "--set" not in " ".join(extra):
                actions.append("rerun with on_failed=resume as instructed")
                extra = ["--set", "on_failed=resume"]
                continue
            match = RESOLVE_RE.search(output) or FAILED_RE.search(output)
            if match:
                actions.append(f"plan resolve --rolled-back {match.group(1)} as instructed")
                runner.resolve_rolled_back(url, match.group(1))
                continue
        if status == 1 and LOST_RE.search(output):
            actions.append("retry after a lost connection")
            time.sleep(0.5)
            continue
        return status, output
    return status, output


def check(cluster, database, reference_schema, expected_names, resolved):
    """The promises, as queries. Returns a list of violated promises (empty when all held)."""
    problems = []
    rows = cluster.psql(
        "SELECT migration_name, count(*) FILTER (WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL), "
        "count(*) FILTER (WHERE finished_at IS NULL AND rolled_back_at IS NULL), "
        "count(*) FILTER (WHERE rolled_back_at IS NOT NULL) FROM _prisma_migrations GROUP BY 1 ORDER BY 1",
        database=database)
    seen = {}
    for line in rows.splitlines():
        name, finished, unfinished, rolled = line.split("|")
        seen[name] = (int(finished), int(unfinished), int(rolled))
    for name in expected_names:
        finished, unfinished, rolled = seen.get(name, (0, 0, 0))
        if finished != 1:
            problems.append(f"{name} recorded finished {finished} times")
        if unfinished:
            problems.append(f"{name} has {unfinished} unresolved failed/unfinished row(s)")
        if rolled and name not in resolved:
            problems.append(f"{name} has a rolled-back row nobody resolved")
    extra = set(seen) - set(expected_names)
    if extra:
        problems.append(f"unknown history rows: {sorted(extra)}")
    invalid = cluster.psql("SELECT string_agg(indexrelid::regclass::text, ',') FROM pg_index WHERE NOT indisvalid",
                           database=database)
    if invalid:
        problems.append(f"INVALID index(es) remain: {invalid}")
    schema = cluster.schema(database)
    if schema != reference_schema:
        import difflib
        diff = "\n".join(list(difflib.unified_diff(reference_schema.splitlines(), schema.splitlines(), lineterm="", n=0))[:12])
        problems.append("schema differs from an uninterrupted run:\n" + diff)
    return problems


class Suite:
    """One kind of fault, many trials."""

    def __init__(self, name, cluster, binary, workdir, seed):
        self.name = name
        self.cluster = cluster
        self.workdir = workdir
        os.makedirs(workdir, exist_ok=True)
        self.plan = fixture.write_project(workdir)
        self.runner = Runner(binary, workdir, self.plan)
        self.names = [name for name, _ in fixture.migrations()]
        self.random = random.Random(seed)
        self.results = []  # (trial, delay, fault, actions, problems)

    def reference(self):
        database = self.cluster.fresh_database("ref")
        started = time.time()
        status, output = self.runner.run(self.cluster.db_url(database))
        self.notes = []
        if status != 0 and "index-concurrently step is not implemented yet" in output:
            self.notes.append("the index-concurrently runner had not landed: trials ran without that step")
            with open(self.plan, "w") as f:
                f.write(fixture.without_index_step())
            self.cluster.drop_database(database)
            database = self.cluster.fresh_database("ref")
            started = time.time()
            status, output = self.runner.run(self.cluster.db_url(database))
        self.duration = time.time() - started
        if status != 0:
            raise RuntimeError(f"the uninterrupted run failed ({status}):\n{output}")
        self.reference_schema = self.cluster.schema(database)
        self.cluster.drop_database(database)
        return self.duration

    def inject(self, proc, database):
        raise NotImplementedError

    def trial(self, index):
        database = self.cluster.fresh_database("trial")
        url = self.cluster.db_url(database)
        delay = self.random.uniform(0.0, self.duration * 1.05)
        proc = self.runner.start(url)
        time.sleep(delay)
        fault = "none (finished first)"
        if proc.poll() is None:
            fault = self.inject(proc, database)
        try:
            first_status = proc.wait(timeout=300)
        except subprocess.TimeoutExpired:
            proc.kill()
            first_status = "hung"
        actions = []
        resolved = set()
        status, output = complete(self.runner, url, actions)
        for action in actions:
            if action.startswith("plan resolve --rolled-back "):
                resolved.add(action.split()[3])
        problems = []
        if status != 0:
            problems.append(f"re-run did not complete (exit {status}): {output[-1500:]}")
        else:
            problems += check(self.cluster, database, self.reference_schema, self.names, resolved)
        self.results.append({"trial": index, "delay": round(delay, 3), "fault": fault, "first_exit": first_status,
                             "actions": actions, "problems": problems, "first_output": Runner.output(proc)[-2000:]})
        if not problems:
            self.cluster.drop_database(database)
        else:
            self.results[-1]["database"] = database
        return problems


class KillSuite(Suite):
    def inject(self, proc, database):
        proc.send_signal(signal.SIGKILL)
        return "SIGKILL"


class TerminateSuite(Suite):
    def inject(self, proc, database):
        terminated = self.cluster.psql(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            f"WHERE datname = '{database}' AND application_name LIKE 'plan/%'", check=False)
        return f"pg_terminate_backend ({terminated or 0} session(s))"


class RestartSuite(Suite):
    def inject(self, proc, database):
        self.cluster.restart_immediate()
        self.cluster.wait_ready()
        return "pg_ctl restart -m immediate"


def summarize(suite):
    faults = sum(1 for r in suite.results if not r["fault"].startswith("none"))
    failed = [r for r in suite.results if r["problems"]]
    actions = {}
    for r in suite.results:
        for a in r["actions"]:
            key = re.sub(r"--rolled-back \S+", "--rolled-back NAME", a)
            actions[key] = actions.get(key, 0) + 1
    return {"notes": getattr(suite, "notes", []), "trials": len(suite.results), "faults": faults, "failed": len(failed), "actions": actions,
            "failures": failed[:5]}
