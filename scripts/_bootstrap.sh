# Sourced by every script in scripts/: makes sure the project's virtual environment
# (.venv/ in the project root) exists and matches pyproject.toml, installs the Debian
# packages the project needs, then leaves PROJECT_ROOT and PY set for the caller.
# The installing itself is scripts/install (also the Dockerfile's build step); it is quick
# when everything is already in place (one hash comparison).

PROJECT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$PROJECT_ROOT/.venv"
PY="$VENV/bin/python"
export PROJECT_ROOT PY

bash "$PROJECT_ROOT/scripts/install" --venv "$VENV" || exit $?

# Single-threaded numeric kernels (numpy's BLAS) on a small shared machine; the e5 engine
# gives a question or a batch of passages a second thread by itself when the other core is
# idle (kb/embeddings.py), and KB_INDEX_THREADS fixes the batches' thread count.
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
export TOKENIZERS_PARALLELISM=false
export ANONYMIZED_TELEMETRY=False
export HF_HUB_OFFLINE=1
cd "$PROJECT_ROOT"
