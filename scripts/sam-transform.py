"""Expand a SAM template offline with the real SAM translator (aws-sam-translator).

Usage: .venv/bin/python scripts/sam-transform.py infra/template.yaml > out.json

CloudFormation runs this same transform at deploy time. Running it here proves the
template expands without errors and lets cfn-lint check the generated resources
(roles, permissions, event invoke configs, API stages). No AWS call is made.
"""

import json
import os
import sys

from cfnlint.decode import decode
from samtranslator.translator.transform import transform

# The translator asks a boto3 session for the region of pseudo parameters.
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")


class OfflinePolicyLoader:
    """Managed policies by name; the template uses none, so nothing is looked up."""

    def load(self):
        return {}


def package_code_uris(template: dict) -> None:
    """Do what `sam package` does before CloudFormation sees the template: point
    local CodeUri paths at S3 (here a placeholder bucket)."""
    globals_fn = template.get("Globals", {}).get("Function", {})
    if isinstance(globals_fn.get("CodeUri"), str):
        globals_fn["CodeUri"] = "s3://sam-package-placeholder/globals.zip"
    for name, resource in template.get("Resources", {}).items():
        props = resource.get("Properties", {})
        if resource.get("Type") == "AWS::Serverless::Function" and isinstance(props.get("CodeUri"), str):
            props["CodeUri"] = f"s3://sam-package-placeholder/{name}.zip"


def main() -> int:
    path = sys.argv[1]
    template, matches = decode(path)
    if matches:
        for m in matches:
            print(m, file=sys.stderr)
        return 1
    plain = json.loads(json.dumps(template))
    package_code_uris(plain)
    out = transform(plain, {}, OfflinePolicyLoader())
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
