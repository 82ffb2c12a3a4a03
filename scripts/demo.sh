#!/usr/bin/env bash
# The demo: starts a local AWS emulator (moto server, installed into ./.venv if missing),
# creates the tables from infra/template.yaml, imports the sample directory, runs every message
# of samplemail/ through the real intake handler, and prints the cases and one auto-reply; then
# runs the sample conversation (samplemail/conversation/) and prints its timeline and clock.
# In a terminal it then serves the web console (development sign-in) against the same emulator
# and prints its URL; SLAMAIL_NO_CONSOLE=1 skips that, SLAMAIL_CONSOLE_PORT changes the port.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/venv.sh >/dev/null

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
log=$(mktemp -t slamail-demo-moto.XXXXXX)
.venv/bin/moto_server -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
moto=$!
cleanup() { kill "$moto" 2>/dev/null || true; wait "$moto" 2>/dev/null || true; rm -f "$log"; }
trap cleanup EXIT

for _ in $(seq 1 100); do
    if curl -fs "http://127.0.0.1:$port/moto-api/" >/dev/null 2>&1 || \
       python3 -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$port/moto-api/data.json', timeout=1)" 2>/dev/null; then
        break
    fi
    if ! kill -0 "$moto" 2>/dev/null; then
        echo "moto server did not start:" >&2; cat "$log" >&2; exit 1
    fi
    sleep 0.2
done

export AWS_ENDPOINT_URL="http://127.0.0.1:$port"
export AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo
export CASES_TABLE=slamail-demo-cases DIRECTORY_TABLE=slamail-demo-directory
export RAW_MAIL_BUCKET=slamail-demo-raw-mail RAW_MAIL_PREFIX=inbound/
unset POLICY_FILES SES_CONFIGURATION_SET

echo "moto server on $AWS_ENDPOINT_URL; building slamail (first build takes a few minutes)..." >&2
cargo run --quiet --locked -p slamail-cli -- demo --samples samplemail --template infra/template.yaml "$@"

# The SLA watch (docs/watch.md): a dry-run pass at a chosen instant prints the warnings it would
# send (to staff only; nothing is sent or recorded), then November's attainment report.
echo
echo "== SLA watch: a dry-run pass at Mon 30 Nov 2026, 15:45 PST"
cargo run --quiet --locked -p slamail-cli -- watch --at 2026-11-30T23:45:00Z
echo
echo "== Attainment report: ActiveState, November 2026 (ledgers read as of 31 Dec)"
cargo run --quiet --locked -p slamail-cli -- report --policy activestate --month 2026-11 --as-of 2026-12-31T00:00:00Z

# In a terminal, the web console then serves the same emulator until Ctrl-C (it prints its URL).
if [[ -t 0 && -t 1 && -z "${SLAMAIL_NO_CONSOLE:-}" ]]; then
    echo
    echo "Web console: sign in as alice@acme.example (an administrator of acme) or carol@acme.example (a member);"
    echo "or as sam@activestate.com with \"Agent\" ticked for ActiveState's queues and cases (#/agents)."
    cargo run --quiet --locked -p slamail-cli -- console serve --listen "127.0.0.1:${SLAMAIL_CONSOLE_PORT:-8480}"
else
    echo "Run scripts/demo.sh in a terminal to browse the result in the web console (slamail console serve)."
fi
