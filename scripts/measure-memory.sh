#!/usr/bin/env bash
# Peak memory (maximum resident set size, from /usr/bin/time -v) of the release Lambda binaries
# on their worst cases, against a local moto server; the figures size MemorySize in
# infra/template.yaml (see README.md, "Memory sizing").
#
#   intake   — a 40 MiB message (SES's inbound limit) from a designated contact, through the
#              whole handler: S3 fetch, parse, triage, case write, auto-reply. Two shapes: one
#              large base64 attachment, one large plain-text body, and a hostile one made of
#              as many tiny MIME parts as fit; sample 01 as it is (5.6 KB) for comparison.
#   contacts — the largest event a synchronous Lambda invocation accepts (6 MB): a POST whose
#              JSON body is one 6 MB field.
#   slamail  — `slamail process` of the same 40 MiB message (for comparison).
#
# Each binary is the real one, run under a one-shot stand-in for the Lambda runtime API
# (scripts/lambda-runtime-once.py). Needs: cargo, python3, /usr/bin/time (GNU time).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

bash scripts/venv.sh >/dev/null
py=.venv/bin/python

echo "building release binaries (the first time takes several minutes)..." >&2
cargo build --release --locked -p slamail-intake -p slamail-contacts -p slamail-cli >&2
bin="${CARGO_TARGET_DIR:-$root/target}/release"

work=$(mktemp -d -t slamail-measure.XXXXXX)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
port=$(free_port)
.venv/bin/moto_server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto=$!
cleanup() { kill "$moto" 2>/dev/null || true; wait "$moto" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 1 100); do
    "$py" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/moto-api/data.json', timeout=1)" 2>/dev/null && break
    sleep 0.2
done

export AWS_ENDPOINT_URL="http://127.0.0.1:$port"
export AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=measure AWS_SECRET_ACCESS_KEY=measure
export CASES_TABLE=measure-cases DIRECTORY_TABLE=measure-directory
export RAW_MAIL_BUCKET=measure-raw-mail RAW_MAIL_PREFIX=inbound/
unset POLICY_FILES SES_CONFIGURATION_SET
"$bin/slamail" demo --samples samplemail --template infra/template.yaml >/dev/null

# The messages and events: sample 01 (an authenticated designated contact, so the whole path
# runs and a reply is sent) grown to 40 MiB, stored where SES would store it.
"$py" - "$work" <<'EOF'
import base64, json, os, sys
import boto3
work = sys.argv[1]
size = 40 * 1024 * 1024
raw = open("samplemail/01-enterprise-critical.eml", "rb").read()
head, _, body = raw.partition(b"\n\n")
head = b"\n".join(l for l in head.split(b"\n") if not l.startswith(b"Content-Type:"))
event = json.load(open("samplemail/01-enterprise-critical.event.json"))
s3 = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"])

def store(name, message):
    message_id = f"measure-{name}"
    s3.put_object(Bucket=os.environ["RAW_MAIL_BUCKET"], Key="inbound/" + message_id, Body=message)
    event["Records"][0]["ses"]["mail"]["messageId"] = message_id
    with open(f"{work}/{name}.event.json", "w") as f:
        json.dump(event, f)
    with open(f"{work}/{name}.eml", "wb") as f:
        f.write(message)
    print(f"{name}: {len(message)} bytes", file=sys.stderr)

boundary = b"measure-boundary"
top = head + b"\nContent-Type: multipart/mixed; boundary=\"" + boundary + b"\"\n\n--" + boundary + \
    b"\nContent-Type: text/plain; charset=UTF-8\n\nPlease see the attached build log.\n\n--" + boundary + \
    b"\nContent-Type: application/octet-stream; name=build.log\nContent-Transfer-Encoding: base64\n\n"
end = b"\n--" + boundary + b"--\n"
line = base64.b64encode(os.urandom(57)) + b"\n"
attachment = line * ((size - len(top) - len(end)) // len(line))
store("attachment-40mib", top + attachment + end)

top = head + b"\nContent-Type: text/plain; charset=UTF-8\n\n" + body
line = b"ERROR Solver error: no candidate satisfies requirement openssl>=3.0.15 (retrying)\n"
store("text-40mib", top + line * ((size - len(top)) // len(line)))

# Hostile: as many (tiny) MIME parts as fit, each costing the parser a part record.
top = head + b"\nContent-Type: multipart/mixed; boundary=\"b\"\n\n"
part = b"--b\n\nx\n"
store("parts-40mib", top + part * ((size - len(top) - 6) // len(part)) + b"--b--\n")

store("sample-01", raw)
EOF

# The contacts worst case: a 6 MB event (the synchronous invocation limit).
"$py" - "$work" <<'EOF'
import json, sys
work = sys.argv[1]
event = {
    "version": "2.0", "routeKey": "$default", "rawPath": "/orgs/acme/members", "rawQueryString": "",
    "headers": {"content-type": "application/json"},
    "requestContext": {
        "accountId": "111122223333", "apiId": "api", "domainName": "contacts.example",
        "http": {"method": "POST", "path": "/orgs/acme/members", "protocol": "HTTP/1.1",
                 "sourceIp": "192.0.2.1", "userAgent": "measure"},
        "requestId": "measure", "routeKey": "$default", "stage": "$default",
        "time": "23/Nov/2026:13:00:00 +0000", "timeEpoch": 1795438800000,
        "authorizer": {"jwt": {"claims": {"sub": "u-1", "email": "alice@acme.example",
                                          "email_verified": "true"}, "scopes": None}},
    },
    "isBase64Encoded": False,
}
filler = 6 * 1000 * 1000 - len(json.dumps(event)) - 200
event["body"] = json.dumps({"email": "new@acme.example", "name": "x" * filler, "role": "member"})
with open(f"{work}/contacts.event.json", "w") as f:
    json.dump(event, f)
print(f"contacts event: {len(json.dumps(event))} bytes", file=sys.stderr)
EOF

lambda_env=(AWS_LAMBDA_FUNCTION_NAME=measure AWS_LAMBDA_FUNCTION_VERSION='$LATEST'
            AWS_LAMBDA_FUNCTION_MEMORY_SIZE=1024 RUST_LOG=warn)

# run_lambda NAME BINARY EVENT: peak RSS of BINARY handling EVENT once.
run_lambda() {
    local name=$1 binary=$2 event=$3 rport
    rport=$(free_port)
    "$py" scripts/lambda-runtime-once.py "$rport" "$event" "$work/$name.response" &
    local runtime=$!
    sleep 0.5
    env "${lambda_env[@]}" AWS_LAMBDA_RUNTIME_API="127.0.0.1:$rport" \
        /usr/bin/time -v "$binary" >"$work/$name.out" 2>"$work/$name.time" || true
    wait "$runtime" || true
    report "$name" "$(cut -c1-70 "$work/$name.response" 2>/dev/null || echo 'no response')"
}

report() {
    local mib cpu
    mib=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2 / 1024}' "$work/$1.time")
    cpu=$(awk -F': ' '/User time|System time/ {t += $2} END {printf "%.2f", t}' "$work/$1.time")
    printf '%-24s peak RSS %6s MiB  CPU %5s s  %s\n' "$1" "${mib:-?}" "${cpu:-?}" "$2"
}

echo
run_lambda intake-attachment-40mib "$bin/intake" "$work/attachment-40mib.event.json"
run_lambda intake-text-40mib "$bin/intake" "$work/text-40mib.event.json"
run_lambda intake-parts-40mib "$bin/intake" "$work/parts-40mib.event.json"
run_lambda intake-sample-01-5kb "$bin/intake" "$work/sample-01.event.json"
run_lambda contacts-6mb-event "$bin/contacts" "$work/contacts.event.json"
/usr/bin/time -v "$bin/slamail" process "$work/attachment-40mib.eml" --to support@activestate.com \
    >"$work/cli.out" 2>"$work/slamail-process-40mib.time" || true
report slamail-process-40mib "$(head -1 "$work/cli.out" | cut -c1-70)"
