# Sourced by every script in scripts/: makes sure the project's virtual environment
# (.venv/ in the project root) exists and matches pyproject.toml, installs the Debian
# packages the project needs, then leaves PROJECT_ROOT and PY set for the caller.
# It is quick when everything is already in place (one hash comparison).

PROJECT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$PROJECT_ROOT/.venv"
PY="$VENV/bin/python"
export PROJECT_ROOT PY

_say() { [ "${BOOTSTRAP_QUIET:-0}" = 1 ] || echo "bootstrap: $*" >&2; }

# Debian packages: libportaudio2 lets livekit-agents import sounddevice (console mode).
_debs=(libportaudio2)
_missing=()
for _p in "${_debs[@]}"; do
  dpkg-query -W -f='${Status}' "$_p" 2>/dev/null | grep -q "install ok installed" || _missing+=("$_p")
done
if [ "${#_missing[@]}" -gt 0 ] && command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    _say "installing Debian packages: ${_missing[*]}"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${_missing[@]}") >/dev/null 2>&1 \
      || echo "bootstrap: warning: could not install ${_missing[*]} (console audio will be unavailable)" >&2
  else
    echo "bootstrap: warning: missing Debian packages ${_missing[*]}; run: sudo apt-get install ${_missing[*]}" >&2
  fi
fi

# Python >= 3.11 and the virtual environment.
_python="${PYTHON:-python3}"
if [ ! -x "$PY" ]; then
  if ! "$_python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
    echo "bootstrap: error: Python >= 3.11 is required (set PYTHON=/path/to/python3.11)" >&2
    exit 1
  fi
  _say "creating virtual environment in .venv/"
  "$_python" -m venv "$VENV"
fi

_stamp="$VENV/.bootstrap-stamp"
_want="$(sha256sum "$PROJECT_ROOT/pyproject.toml" | cut -d' ' -f1)"
if [ ! -f "$_stamp" ] || [ "$(cat "$_stamp")" != "$_want" ]; then
  _say "installing Python packages (first run or pyproject.toml changed; a few minutes)"
  "$PY" -m pip install -q --upgrade pip >/dev/null
  if ! "$PY" -m pip install -q -e "$PROJECT_ROOT[dev]" >"$VENV/.bootstrap.log" 2>&1; then
    echo "bootstrap: error: pip install failed; see $VENV/.bootstrap.log" >&2
    tail -n 20 "$VENV/.bootstrap.log" >&2
    exit 1
  fi
  echo "$_want" >"$_stamp"
fi

# Single-threaded numeric kernels: the query path is latency-bound on a 2-core machine.
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
export TOKENIZERS_PARALLELISM=false
export ANONYMIZED_TELEMETRY=False
export HF_HUB_OFFLINE=1
cd "$PROJECT_ROOT"
