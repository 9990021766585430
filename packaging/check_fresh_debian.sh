#!/usr/bin/env bash
# Prove the .deb on a fresh Debian 12: make a minimal root (mmdebstrap minbase), `apt-get install ./the.deb`
# there (apt pulls in every dependency from the Debian mirror), run --version and self-test from /usr/bin
# inside a D-Bus session with gnome-keyring (which the .deb's Depends brought), then remove it and check
# that /usr/bin/cio-desktop is gone. Needs root, mmdebstrap (`apt-get install mmdebstrap`) and the Debian
# mirror; about two minutes. Not part of CI (network).
#   bash packaging/check_fresh_debian.sh dist/cio-desktop_0.1.0_amd64.deb
set -euo pipefail

deb="$(realpath "$1")"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$deb" "$work/cio.deb"
cat >"$work/check.sh" <<'INNER'
#!/bin/sh
set -e
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q --no-install-recommends /tmp/cio.deb >/tmp/apt.log 2>&1 || { tail -30 /tmp/apt.log; exit 1; }
echo "check: apt installed cio-desktop and $(grep -c '^Setting up' /tmp/apt.log) packages in all"
/usr/bin/cio-desktop --version
mkdir -p /tmp/home/data
export HOME=/tmp/home XDG_DATA_HOME=/tmp/home/data QT_QPA_PLATFORM=offscreen
dbus-run-session -- sh -c 'echo "" | gnome-keyring-daemon --unlock --components=secrets >/dev/null; /usr/bin/cio-desktop self-test'
apt-get remove -y -q cio-desktop >/dev/null
test ! -e /usr/bin/cio-desktop && test ! -e /usr/lib/cio-desktop
echo "check: removed cleanly"
INNER
chmod +x "$work/check.sh"
mmdebstrap --variant=minbase --quiet \
  --customize-hook="copy-in $work/cio.deb $work/check.sh /tmp" \
  --customize-hook='chroot "$1" /tmp/check.sh' \
  bookworm "$work/root.tar" "$mirror"
