"""PostgreSQL clusters for the trials, made by scripts/lib/pg.sh (pg_start NAME), and psql/pg_dump
helpers. Each suite that restarts its server gets its own cluster."""
import os
import subprocess
import time
import uuid

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


class Cluster:
    def __init__(self, name):
        self.name = name
        script = (
            f'source "{ROOT}/scripts/lib/pg.sh" && pg_start {name} >&2 && '
            'printf "%s\\n%s\\n%s\\n" "$PLAN_TEST_DATABASE_URL" "$PG_DATA" "$PLAN_PG_BIN"'
        )
        out = subprocess.run(["bash", "-c", script], check=True, capture_output=True, text=True, cwd=ROOT)
        self.url, self.data, self.bin = out.stdout.strip().splitlines()[-3:]
        self.password = self.url.split("://", 1)[1].split("@", 1)[0].split(":", 1)[1]

    def _pg(self, args, **kw):
        env = dict(os.environ, PGPASSWORD=self.password, PGCONNECT_TIMEOUT="10")
        return subprocess.run(args, env=env, capture_output=True, text=True, **kw)

    def db_url(self, database):
        head, _, tail = self.url.rpartition("/")
        return f"{head}/{database}"

    def psql(self, sql, database="postgres", check=True):
        out = self._pg([f"{self.bin}/psql", "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-d",
                        self.db_url(database), "-c", sql])
        if check and out.returncode != 0:
            raise RuntimeError(f"psql failed: {out.stderr.strip()} ({sql[:200]})")
        return out.stdout.strip()

    def schema(self, database):
        """`pg_dump --schema-only`, minus comments and PG 18's random \\restrict keys."""
        out = self._pg([f"{self.bin}/pg_dump", "--schema-only", "--no-owner", "-d", self.db_url(database)])
        if out.returncode != 0:
            raise RuntimeError(out.stderr)
        keep = [line for line in out.stdout.splitlines()
                if line.strip() and not line.startswith("--") and not line.startswith("\\restrict")
                and not line.startswith("\\unrestrict")]
        return "\n".join(keep)

    def fresh_database(self, prefix="r", extensions=("vector",)):
        name = f"{prefix}_{uuid.uuid4().hex[:10]}"
        self.psql(f'CREATE DATABASE "{name}"')
        for extension in extensions:
            self.psql(f'CREATE EXTENSION IF NOT EXISTS "{extension}"', database=name)
        return name

    def drop_database(self, name):
        self.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', check=False)

    def restart_immediate(self):
        args = ["pg_ctl", "-D", f"{self.data}/data", "-l", f"{self.data}/server.log", "-m", "immediate", "-w", "-t", "60",
                "restart"]
        runner = ["runuser", "-u", "plan-pg", "--"] if os.getuid() == 0 else []
        # pg_ctl restart reuses the options of the last start (postmaster.opts).
        # No pipes: the restarted server would inherit them and keep them open.
        return subprocess.run(runner + [f"{self.bin}/{args[0]}"] + args[1:], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)

    def wait_ready(self, seconds=60):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if self.psql("SELECT 1", check=False) == "1":
                return True
            time.sleep(0.2)
        return False

    def stop(self):
        script = f'source "{ROOT}/scripts/lib/pg.sh" && pg_stop_dir "{self.data}"'
        subprocess.run(["bash", "-c", script], cwd=ROOT)
