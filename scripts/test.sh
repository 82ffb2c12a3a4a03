#!/usr/bin/env bash
# The whole test suite, as CI runs it: formatting, lints, unit and integration tests (against a
# moto server the tests start themselves), and the infrastructure template checks.
# Installs what it needs (moto, cfn-lint, checkov) into ./.venv, and Debian's chromium and
# chromium-driver for the console's browser tests; nothing else is assumed.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "python tools (.venv: moto, cfn-lint, checkov)"
bash scripts/venv.sh

step "browser for the console tests (chromium, chromium-driver; apt-get when missing)"
bash scripts/browser.sh

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy --all-targets -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo test"
cargo test --workspace --locked

step "infrastructure: cfn-lint and checkov"
bash scripts/lint-infra.sh

step "all checks passed"
