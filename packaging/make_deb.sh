#!/usr/bin/env bash
# Make dist/cio-desktop_<version>_<arch>.deb from a one-folder bundle (called by packaging/build.sh).
#   bash packaging/make_deb.sh BUNDLE_DIR VERSION OUT_DIR
# Layout: the bundle in /usr/lib/cio-desktop, a /usr/bin/cio-desktop launcher, the desktop file, the
# AppStream metainfo and the icons in the hicolor theme (dpkg triggers of desktop-file-utils and
# hicolor-icon-theme refresh the menu and icon caches; no maintainer scripts needed).
# Depends: what dpkg-shlibdeps finds the bundle's ELF files need (Qt's xcb and Wayland platforms, EGL/GL,
# fontconfig, D-Bus, ...), plus what is loaded without ELF links: a font, a D-Bus session bus and a
# Secret Service for the keyring (keyring talks D-Bus in pure Python, so no library shows it).
set -euo pipefail

bundle="$(cd "$1" && pwd)"
version="$2"
out="$(mkdir -p "$3" && cd "$3" && pwd)"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
app_id="io.github.cio_desktop.CioDesktop"
arch="$(dpkg --print-architecture)"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
root="$stage/root"

install -d "$root/usr/lib" "$root/usr/bin" "$root/usr/share/applications" "$root/usr/share/metainfo" \
  "$root/usr/share/doc/cio-desktop" "$root/DEBIAN"
cp -a "$bundle" "$root/usr/lib/cio-desktop"
cat >"$root/usr/bin/cio-desktop" <<'EOF'
#!/bin/sh
# cio-desktop launcher: the PyInstaller bundle lives in /usr/lib/cio-desktop.
exec /usr/lib/cio-desktop/cio-desktop "$@"
EOF
chmod 0755 "$root/usr/bin/cio-desktop"
install -m 0644 "$here/packaging/linux/$app_id.desktop" "$root/usr/share/applications/"
install -m 0644 "$here/packaging/linux/$app_id.metainfo.xml" "$root/usr/share/metainfo/"
for png in "$here"/resources/icons/hicolor/*/apps/"$app_id".png; do
  size="$(basename "$(dirname "$(dirname "$png")")")"
  install -D -m 0644 "$png" "$root/usr/share/icons/hicolor/$size/apps/$app_id.png"
done
install -D -m 0644 "$here/resources/icons/$app_id.svg" "$root/usr/share/icons/hicolor/scalable/apps/$app_id.svg"
cat >"$root/usr/share/doc/cio-desktop/copyright" <<'EOF'
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: cio-desktop
Comment: Includes Python, Qt (LGPL-3.0, PySide6-Essentials) and the Python packages listed in
 /usr/lib/cio-desktop/_internal/*.dist-info, each under its own licence.

Files: *
Copyright: The cio-desktop developers
License: MIT
EOF
# Files 0644 / folders and executables 0755, owned by root (--root-owner-group below).
find "$root" -type d -exec chmod 0755 {} +

# --- Depends ----------------------------------------------------------------------------------------------
mkdir -p "$stage/src/debian"
printf 'Source: cio-desktop\n\nPackage: cio-desktop\nArchitecture: any\n' >"$stage/src/debian/control"
mapfile -t elfs < <(find "$root/usr/lib/cio-desktop" -type f \( -name '*.so' -o -name '*.so.*' -o -name cio-desktop \) \
  -exec sh -c 'head -c 4 "$1" | grep -q ELF && echo "$1"' _ {} \;)
mapfile -t libdirs < <(printf '%s\n' "${elfs[@]}" | xargs -n1 dirname | sort -u | sed 's/^/-l/')
shlibs="$(cd "$stage/src" && dpkg-shlibdeps -O --ignore-missing-info "${libdirs[@]}" "${elfs[@]}" 2>/dev/null)"
shlibs="${shlibs#shlibs:Depends=}"
[[ -n "$shlibs" ]] || { echo "make_deb: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
extra="fonts-dejavu-core | fonts-liberation2 | fonts-noto-core, default-dbus-session-bus | dbus-session-bus"
extra+=", gnome-keyring | kwalletmanager | keepassxc"

installed_kb="$(du -sk --exclude=DEBIAN "$root" | cut -f1)"
cat >"$root/DEBIAN/control" <<EOF
Package: cio-desktop
Version: $version
Architecture: $arch
Maintainer: The cio-desktop developers <cio-desktop@users.noreply.github.com>
Installed-Size: $installed_kb
Depends: $shlibs, $extra
Section: devel
Priority: optional
Homepage: https://github.com/cio-desktop/cio-desktop
Description: Desktop admin tool for Customer.io
 Look up customers by id, email or cio_id, send test events and see request
 and response side by side, and inspect every API call with timings. API keys
 are kept in the system keyring. A built-in practice workspace with fictional
 people works offline.
EOF

deb="$out/cio-desktop_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zzstd -b "$root" "$deb" >/dev/null
echo "make_deb: $deb"
