#!/usr/bin/env bash
# Create or refresh the project's Python virtualenv at <repo>/.venv with the
# exact versions pinned in scripts/requirements.txt (moto server, cfn-lint,
# checkov). Idempotent: reinstalls only when requirements.txt changed (its
# sha256 is stamped in .venv/.requirements.sha256) or the venv is broken.
#
# Usage: scripts/venv.sh            (prints the venv path on success)
# Env:   PYTHON=python3.12 scripts/venv.sh   to choose the interpreter.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$repo_root/.venv"
requirements="$repo_root/scripts/requirements.txt"
stamp="$venv/.requirements.sha256"
python="${PYTHON:-python3}"

want="$(sha256sum "$requirements" | cut -d' ' -f1)"

if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]] \
    && "$venv/bin/python" -c 'import sys' 2>/dev/null \
    && [[ -x "$venv/bin/moto_server" && -x "$venv/bin/cfn-lint" && -x "$venv/bin/checkov" ]]; then
    echo "$venv"
    exit 0
fi

# Serialise concurrent callers (parallel test binaries may all call us).
lock="${TMPDIR:-/tmp}/slamail-venv-$(printf %s "$repo_root" | sha256sum | cut -c1-12).lock"
exec 9>"$lock"
flock 9
# Another caller may have finished the job while we waited for the lock.
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -x "$venv/bin/moto_server" ]]; then
    echo "$venv"
    exit 0
fi

if ! "$venv/bin/python" -c 'import sys' 2>/dev/null; then
    echo "venv.sh: creating $venv with $("$python" --version 2>&1)" >&2
    rm -rf "$venv"
    "$python" -m venv "$venv"
fi

echo "venv.sh: installing $(grep -cv '^\s*\(#\|$\)' "$requirements") pinned packages (this takes a minute)" >&2
rm -f "$stamp"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" >&2
echo "$want" >"$stamp"
echo "$venv"
