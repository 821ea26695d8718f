# shellcheck shell=bash
# Shared helpers for scripts/test and scripts/demo. Source it; do not run it.
#
#   hn_need_debs PKG...     install missing Debian packages (as root) or say what to install and exit 1
#   hn_ensure_venv EXTRAS   create .venv if missing and `pip install -e .[EXTRAS]` when pyproject.toml changed
#   hn_ensure_node_modules  `npm ci` when package.json exists and node_modules is missing or stale
#
# Everything is idempotent and quiet when there is nothing to do, so a machine that already has
# what it needs never touches the network.

HN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HN_VENV="$HN_ROOT/.venv"
HN_PYTHON="${HN_PYTHON:-python3}"
HN_APT_UPDATED=0

# The WeasyPrint libraries (PDF rendering of plans and letters).
# shellcheck disable=SC2034 # used by the scripts that source this file
HN_WEASYPRINT_DEBS=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)

hn_say() { printf '==> %s\n' "$*" >&2; }
hn_die() { printf 'error: %s\n' "$*" >&2; exit 1; }
hn_is_root() { [[ "$(id -u)" == 0 ]]; }

# A digest of the contents of the given files; a missing file counts as empty.
hn_sha256() {
  local f
  for f in "$@"; do
    printf '%s\0' "$(basename "$f")"
    cat "$f" 2>/dev/null || true
  done | sha256sum | cut -d' ' -f1
}

hn_deb_installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]
}

# apt-get, waiting (up to 15 minutes) for another apt/dpkg run to release its locks.
hn_apt() {
  local tries=0
  until DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=900 -o Acquire::Retries=3 "$@"; do
    tries=$((tries + 1))
    if (( tries >= 3 )); then
      return 1
    fi
    hn_say "apt-get $1 failed; retrying in 10 s"
    sleep 10
  done
}

hn_need_debs() {
  local missing=() pkg
  for pkg in "$@"; do
    hn_deb_installed "$pkg" || missing+=("$pkg")
  done
  (( ${#missing[@]} == 0 )) && return 0
  if ! hn_is_root; then
    {
      echo "error: missing Debian packages: ${missing[*]}"
      echo "Install them with:"
      echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}"
    } >&2
    exit 1
  fi
  if (( HN_APT_UPDATED == 0 )); then
    hn_say "apt-get update"
    hn_apt update -qq >/dev/null || hn_die "apt-get update failed"
    HN_APT_UPDATED=1
  fi
  hn_say "apt-get install ${missing[*]}"
  local log
  log="$(mktemp)"
  if ! hn_apt install -y -qq "${missing[@]}" >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    hn_die "apt-get install ${missing[*]} failed"
  fi
  rm -f "$log"
}

# Debian's own python3 needs python3-venv for `python3 -m venv`; pyenv and other builds have it.
hn_need_python_venv() {
  command -v "$HN_PYTHON" >/dev/null || hn_need_debs python3
  if ! "$HN_PYTHON" -c 'import ensurepip, venv' 2>/dev/null; then
    hn_need_debs python3-venv
  fi
}

# hn_ensure_venv "" | "dev" — a stamp in .venv records which extras were installed for which
# pyproject.toml, so `pip install` runs only after pyproject.toml changes. A venv with the dev
# extras also satisfies a request for none.
hn_ensure_venv() {
  local extras="$1" spec="." want have stamp="$HN_VENV/.highneeds-install-stamp"
  [[ -n "$extras" ]] && spec=".[$extras]"
  hn_need_python_venv
  if [[ ! -x "$HN_VENV/bin/python" ]]; then
    hn_say "creating .venv"
    "$HN_PYTHON" -m venv "$HN_VENV"
  fi
  want="$(hn_sha256 "$HN_ROOT/pyproject.toml")"
  have="$(cat "$stamp" 2>/dev/null || true)"
  if [[ "$have" == "$want $extras" || ( -z "$extras" && "$have" == "$want "?* ) ]]; then
    return 0
  fi
  hn_say "pip install -e '$spec' (pyproject.toml changed or first run)"
  (cd "$HN_ROOT" && "$HN_VENV/bin/python" -m pip install -qq --disable-pip-version-check -e "$spec")
  printf '%s %s\n' "$want" "$extras" >"$stamp"
}

hn_ensure_node_modules() {
  [[ -f "$HN_ROOT/package.json" ]] || return 0
  if ! command -v npm >/dev/null; then
    hn_need_debs npm
  fi
  local lock="$HN_ROOT/package-lock.json" stamp="$HN_ROOT/node_modules/.highneeds-stamp" want
  want="$(hn_sha256 "$HN_ROOT/package.json" "$lock")"
  if [[ -d "$HN_ROOT/node_modules" && "$(cat "$stamp" 2>/dev/null || true)" == "$want" ]]; then
    return 0
  fi
  if [[ -f "$lock" ]]; then
    hn_say "npm ci"
    (cd "$HN_ROOT" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  else
    hn_say "npm install (no package-lock.json: commit one so installs are reproducible)"
    (cd "$HN_ROOT" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
  fi
  printf '%s\n' "$want" >"$stamp"
}
