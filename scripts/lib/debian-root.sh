# Fresh Debian bookworm root file systems for testing what ships (scripts/test-package).
# Source this file; it defines:
#   root_base           the cached minimal root (.tmp/roots/bookworm-minbase.tar), made once
#                       with debootstrap from the Debian mirror this machine's apt already uses
#   root_new DIR        unpacks a pristine copy of it into DIR (a test never sees another's files)
#   root_enter DIR      mounts /proc, /dev, /dev/pts and /sys into DIR and gives it resolv.conf
#   root_leave DIR      unmounts what root_enter mounted (idempotent; call it from a trap)
# The base is kept as a tarball rather than a directory so that a half-written cache is never
# mistaken for a good one: it is renamed into place only when debootstrap succeeded.

PLAN_ROOT=${PLAN_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
ROOTS_DIR="$PLAN_ROOT/.tmp/roots"
ROOT_SUITE=bookworm

# The Debian mirror apt uses here (deb822 .sources first, then one-line .list), so the test
# reaches only the archive this machine is already configured for.
root_mirror() {
  local uri
  uri=$(grep -hs -E '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -E '/debian/?$' | head -n1 || true)
  if [[ -z $uri ]]; then
    uri=$(grep -hs -E '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
      | grep -oE '(https?|file)://[^ ]+/debian/?( |$)' | head -n1 | tr -d ' ' || true)
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

root_base() {
  local tarball="$ROOTS_DIR/$ROOT_SUITE-minbase.tar"
  if [[ -f $tarball ]]; then
    echo "$tarball"
    return
  fi
  command -v debootstrap >/dev/null || {
    echo "debian-root: debootstrap is missing (apt-get install debootstrap)" >&2
    return 1
  }
  local mirror work
  mirror=$(root_mirror)
  mkdir -p "$ROOTS_DIR"
  work=$(mktemp -d "$ROOTS_DIR/debootstrap.XXXXXX")
  echo "debian-root: debootstrap --variant=minbase $ROOT_SUITE from $mirror (once; cached in ${tarball#"$PLAN_ROOT"/})" >&2
  local start=$SECONDS
  if ! debootstrap --variant=minbase "$ROOT_SUITE" "$work/root" "$mirror" >"$work/debootstrap.log" 2>&1; then
    tail -n 20 "$work/debootstrap.log" >&2
    [[ -f $work/root/debootstrap/debootstrap.log ]] && tail -n 20 "$work/root/debootstrap/debootstrap.log" >&2
    rm -rf "$work"
    return 1
  fi
  # Security and point-release updates too, as a real bookworm machine would have them.
  local security=${mirror%/}
  security="${security%/debian}/debian-security"
  cat >"$work/root/etc/apt/sources.list" <<SOURCES
deb $mirror $ROOT_SUITE main
deb $mirror $ROOT_SUITE-updates main
deb $security $ROOT_SUITE-security main
SOURCES
  # apt caches nothing it does not need to: the tarball stays small and each root starts clean.
  rm -rf "$work/root/var/cache/apt/archives/"*.deb "$work/root/var/lib/apt/lists/"*_* 2>/dev/null || true
  tar -C "$work/root" --numeric-owner -cf "$work/base.tar" .
  mv "$work/base.tar" "$tarball"
  rm -rf "$work"
  echo "debian-root: base ready in $((SECONDS - start)) s ($(du -h "$tarball" | cut -f1))" >&2
  echo "$tarball"
}

root_new() {
  local dir=$1 tarball
  tarball=$(root_base)
  rm -rf "$dir"
  mkdir -p "$dir"
  tar -C "$dir" --numeric-owner -xf "$tarball"
}

root_enter() {
  local dir=$1
  mount -t proc proc "$dir/proc"
  mount --bind /dev "$dir/dev"
  mount --bind /dev/pts "$dir/dev/pts"
  mount -t sysfs sysfs "$dir/sys"
  cp -L /etc/resolv.conf "$dir/etc/resolv.conf" 2>/dev/null || true
  # Debian would start services on install; nothing in a test root should.
  printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d"
  chmod +x "$dir/usr/sbin/policy-rc.d"
}

root_leave() {
  local dir=$1 mnt
  [[ -d $dir ]] || return 0
  # Deepest first; lazy unmount so a process still inside cannot keep a mount alive.
  for mnt in sys dev/pts dev proc; do
    if mountpoint -q "$dir/$mnt"; then umount -l "$dir/$mnt" || true; fi
  done
}

# root_run DIR CMD...: CMD inside DIR, with a clean environment apart from what tests need.
root_run() {
  local dir=$1
  shift
  chroot "$dir" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}
