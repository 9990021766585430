#!/usr/bin/env bash
# Install what cio-desktop needs on Debian 12 (or a derivative) into ./.venv.
#   bash packaging/bootstrap.sh          system libraries for Qt's X11 platform + keyring, venv, the app
#   bash packaging/bootstrap.sh --dev    the above + Xvfb, a Secret Service, test tools and packaging tools
# As root it runs apt-get directly; as another user it uses sudo for the apt-get step only.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mode="${1:-app}"
venv="${CIO_VENV:-$here/.venv}"

# Qt's xcb platform (a real window), offscreen rendering, D-Bus for the keyring, Python's venv.
app_pkgs=(
  python3 python3-venv python3-pip
  libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0
  libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0 libxcb-render0
  libxcb-shape0 libxcb-util1 libxcb-xkb1 libxkbcommon-x11-0 fonts-dejavu-core
  dbus gnome-keyring dbus-x11
)
# Tests: a virtual X server, screenshots, curl (copy-as-curl output is run for real), packaging tools
# (PyInstaller needs binutils and, with Debian's python3, libpython3.11; the .deb needs dpkg-dev; the
# desktop file and AppStream metainfo are checked with desktop-file-validate and appstreamcli), and chromium
# (the OAuth tests click the sandbox's consent page in a real browser).
dev_pkgs=(xvfb xauth imagemagick xdotool binutils dpkg-dev git curl libpython3.11 desktop-file-utils appstream
  chromium)

pkgs=("${app_pkgs[@]}")
[[ "$mode" == "--dev" ]] && pkgs+=("${dev_pkgs[@]}")

SUDO=""
if [[ "$(id -u)" != "0" ]]; then SUDO="sudo"; fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "bootstrap: installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Prefer the python3 on PATH (3.11+), falling back to Debian's.
py="$(command -v python3)"
if ! "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then py=/usr/bin/python3; fi
if [[ ! -x "$venv/bin/python" ]]; then
  echo "bootstrap: creating $venv"
  "$py" -m venv "$venv"
fi
"$venv/bin/python" -m pip install -q --upgrade pip
# setuptools reports every editable install in a box of asterisks ("Editable installation", an
# InformationOnly notice, not a problem); a new user reads that as a failure, so only that one is hidden.
export PYTHONWARNINGS="ignore:Editable installation:UserWarning"
if [[ "$mode" == "--dev" ]]; then
  "$venv/bin/python" -m pip install -q -e "$here[test,packaging]"
  # Customer.io's official Pipelines client installs its own `customerio` package, which would replace
  # the Track client's: it gets a folder of its own, put on sys.path only by the test that runs it.
  "$venv/bin/python" -m pip install -q --upgrade --target "$venv/cdp-client" "customerio-cdp-analytics>=1.1"
  next="run the checks with: bash tests/run.sh"
else
  "$venv/bin/python" -m pip install -q -e "$here"
  next="start the app with: ${venv#"$PWD"/}/bin/cio-desktop"
fi
unset PYTHONWARNINGS
echo "bootstrap: ready ($("$venv/bin/cio-desktop" --version)); $next"
