#!/usr/bin/env bash
# Lint the SAM template. Fails on any finding:
#   1. cfn-lint on infra/template.yaml (SAM resources validated against SAM schemas,
#      Globals merged; any error, warning or informational finding fails);
#   2. the real SAM transform (aws-sam-translator, offline) expands the template,
#      and cfn-lint checks the expanded CloudFormation (generated roles, permissions,
#      stages, event invoke configs);
#   3. checkov on infra/template.yaml (the gate the project requires) and on the
#      expanded template; no failed check allowed. Every skip is in the resource's
#      Metadata.checkov.skip with a written reason (SAM copies it to what it generates).
# Tools come from the project's own .venv (scripts/venv.sh), never from PATH.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$("$repo_root/scripts/venv.sh")"
template="${1:-$repo_root/infra/template.yaml}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
expanded="$work/template.expanded.json"
cd "$repo_root"

echo "== cfn-lint $("$venv/bin/cfn-lint" --version | awk '{print $2}'): $template"
"$venv/bin/cfn-lint" --format parseable -- "$template"
echo "cfn-lint: 0 errors, 0 warnings"

echo "== SAM transform (aws-sam-translator $("$venv/bin/python" -c 'import samtranslator; print(samtranslator.__version__)'), offline)"
"$venv/bin/python" "$repo_root/scripts/sam-transform.py" "$template" >"$expanded"
echo "expanded to $("$venv/bin/python" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["Resources"]))' "$expanded") CloudFormation resources"
"$venv/bin/cfn-lint" --format parseable -- "$expanded"
echo "cfn-lint (expanded): 0 errors, 0 warnings"

for target in "$template" "$expanded"; do
    echo "== checkov $("$venv/bin/checkov" --version): $target"
    # --skip-download: offline. Any failed check makes checkov exit 1.
    "$venv/bin/checkov" --quiet --compact --framework cloudformation --skip-download -f "$target"
done
echo "checkov: no failed checks"
