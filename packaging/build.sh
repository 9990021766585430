#!/usr/bin/env bash
# Build cio-desktop for staff machines: the PyInstaller bundle and, on Debian/Ubuntu, a .deb.
#   bash packaging/build.sh              dist/cio-desktop/ (one-folder bundle) + dist/cio-desktop_<v>_<arch>.deb
#   bash packaging/build.sh --onefile    also dist/onefile/cio-desktop (one self-unpacking executable)
#   bash packaging/build.sh --no-deb     the bundle only (Windows, macOS, non-Debian Linux)
# PyInstaller runs in its own clean virtual environment (build/venv: the runtime dependencies and
# PyInstaller only), because what gets bundled depends on what is installed: test tools must not come along.
# Work files go to build/, outputs to dist/ (CIO_BUILD=DIR and CIO_DIST=DIR move them; PYTHON=... picks the
# interpreter the bundle carries, by default the python3 on PATH).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
work="${CIO_BUILD:-$here/build}"
dist="${CIO_DIST:-$here/dist}"
onefile=0
deb=1
for arg in "$@"; do
  case "$arg" in
    --onefile) onefile=1 ;;
    --no-deb) deb=0 ;;
    *) echo "build: unknown option $arg (use --onefile, --no-deb)" >&2; exit 2 ;;
  esac
done
[[ "$(uname -s)" == "Linux" ]] && command -v dpkg-deb >/dev/null || deb=0
mkdir -p "$work" "$dist"
start=$SECONDS

# --- the build environment -------------------------------------------------------------------------------
venv="$work/venv"
case "$(uname -s)" in MINGW* | MSYS* | CYGWIN*) vbin="$venv/Scripts" ;; *) vbin="$venv/bin" ;; esac
py="${PYTHON:-$(command -v python3 || command -v python)}"
stamp="$({ cat pyproject.toml packaging/build.sh; "$py" -c 'import sys; print(sys.executable, sys.version)'; } \
  | { sha256sum 2>/dev/null || shasum -a 256; } | cut -c1-16)"
if [[ ! -f "$venv/.stamp" || "$(cat "$venv/.stamp")" != "$stamp" ]]; then
  echo "build: creating the build environment $venv ($("$py" --version))"
  rm -rf "$venv"
  "$py" -m venv "$venv"
  # The app's runtime dependencies (from pyproject.toml) and PyInstaller. The app itself is installed
  # editable, so the spec always sees this checkout's code (a reused environment never goes stale).
  # pip's chatter goes to a log, shown only when it fails.
  if ! { "$vbin/python" -m pip install -q --upgrade pip && "$vbin/python" -m pip install -q -e ".[packaging]"; } \
    >"$work/pip.log" 2>&1; then
    cat "$work/pip.log" >&2
    echo "build: installing the build environment failed" >&2
    exit 1
  fi
  echo "$stamp" >"$venv/.stamp"
fi
version="$("$vbin/python" -c 'import sys; sys.path.insert(0, "."); import cio_desktop; print(cio_desktop.__version__)')"

# --- the bundle ------------------------------------------------------------------------------------------
pyinstaller() {
  "$vbin/python" -m PyInstaller --noconfirm --clean --log-level WARN \
    --workpath "$work/pyinstaller" "$@" packaging/cio-desktop.spec
}
echo "build: PyInstaller one-folder bundle"
rm -rf "$dist/cio-desktop" "$dist/cio-desktop.app"
pyinstaller --distpath "$dist" 2> >(grep -v "required via ctypes not found" >&2)
if ((onefile)); then
  echo "build: PyInstaller one-file executable"
  CIO_ONEFILE=1 pyinstaller --distpath "$dist/onefile" 2> >(grep -v "required via ctypes not found" >&2)
fi

# --- the .deb --------------------------------------------------------------------------------------------
if ((deb)); then
  bash packaging/make_deb.sh "$dist/cio-desktop" "$version" "$dist"
fi

echo "build: done in $((SECONDS - start)) s"
echo "  bundle:   $dist/cio-desktop/ ($(du -sh "$dist/cio-desktop" 2>/dev/null | cut -f1))"
((onefile)) && echo "  one-file: $dist/onefile/ ($(du -sh "$dist/onefile" | cut -f1))"
if ((deb)); then
  for f in "$dist"/cio-desktop_"$version"_*.deb; do echo "  .deb:     $f ($(du -h "$f" | cut -f1))"; done
fi
