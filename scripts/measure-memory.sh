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
#   agents   — the API reads without a size cap what the table holds, so its worst cases are its
#              largest reads: a queue page at the maximum `limit` (1000; every row's ledger is
#              read for its countdown) of a queue holding QUEUE_CASES open cases, and one case
#              page (GET /cases/{id}: the case, all its messages and its whole ledger, the
#              cycles) of a case with CASE_NOTES notes of 20,000 characters (MAX_TEXT_CHARS; a
#              little over the 1 MB one messages Query returns in AWS) and CASE_CYCLES
#              close/reopen cycles whose reasons are 16,000 characters (reasons are not
#              bounded below the 64 KB body cap), together near the 6 MB a response may be;
#              and the 6 MB event (a reply whose body is one 6 MB field; refused with 400).
#   watch    — one pass finds every due case of each partition (up to PER_SHARD = 500 of
#              each of the 4) and keeps every warning it sends in its outcome: a pass over the
#              QUEUE_CASES cases above, all received two days ago, so that every warning point
#              of their clocks (before and after the breach) is due at once.
#   feedback — SNS invokes it with one notification, at most 256 KB (SNS's message limit): a
#              permanent bounce of a sent auto-reply whose bouncedRecipients list (written by
#              remote servers) fills those 256 KB; the full path runs (case found, hold set).
#   replies  — one SQS batch of 10 (the event source's BatchSize) queued replies; a queue
#              message may be 1 MiB, but one invocation's event is at most 6 MB, so the
#              largest batch is ten replies of about 560 KB each, filling 6 MB; and ten
#              replies of a typical 2 KB. Their inbound items are seeded by the real intake
#              and set back to `queued` as the intake leaves a reply SES throttled, so each
#              reply is taken, sent through SES and recorded.
#
# The cases are seeded through the real code: QUEUE_CASES (default 1000) copies of sample 01
# through one run of the real intake, the case page's notes and cycles with `slamail case`.
# The events are built by scripts/measure-memory-events.py.
#
# Each binary is the real one, run under a one-shot stand-in for the Lambda runtime API
# (scripts/lambda-runtime-once.py). Needs: cargo, python3, /usr/bin/time (GNU time).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

bash scripts/venv.sh >/dev/null
py=.venv/bin/python

echo "building release binaries (the first time takes several minutes)..." >&2
cargo build --release --locked -p slamail-intake -p slamail-contacts -p slamail-cli \
    -p slamail-agents -p slamail-watch -p slamail-feedback -p slamail-replies >&2
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
    # A binary that dies or hangs (out of memory, a stuck emulator) must not stop the run: it
    # gets LAMBDA_TIMEOUT seconds, and the stand-in, which would wait for its answer, is
    # stopped once the binary has exited.
    env "${lambda_env[@]}" AWS_LAMBDA_RUNTIME_API="127.0.0.1:$rport" \
        timeout "${LAMBDA_TIMEOUT:-900}" /usr/bin/time -v "$binary" \
        >"$work/$name.out" 2>"$work/$name.time" || true
    kill "$runtime" 2>/dev/null || true
    wait "$runtime" 2>/dev/null || true
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

# ---- agents, watch, replies, feedback: seed the table through the real code, then measure.
queue_cases=${QUEUE_CASES:-1000} case_notes=${CASE_NOTES:-60} case_cycles=${CASE_CYCLES:-60}
events() { "$py" scripts/measure-memory-events.py "$work" "$@"; }
export MESSAGE_ID_DOMAIN=activestate.com SLAMAIL_AGENT=sam@activestate.com
export SEND_RATE_PER_SECOND=14 SENDER_INSTANCES=2

echo "seeding $queue_cases cases through one run of the intake..." >&2
events queue-mail "$queue_cases"
run_lambda seed-intake-cases "$bin/intake" "$work/queue-mail.event.json" >&2
case_id=$(events case-of measure-q-0)

echo "seeding case $case_id: $case_notes notes, $case_cycles close/reopen cycles..." >&2
note=$("$py" -c 'print(("Build log excerpt: solver retried openssl>=3.0.15. " * 400)[:20000])')
reason=$("$py" -c 'print(("Customer confirmed the fix on their staging runtime. " * 400)[:16000])')
for _ in $(seq 1 "$case_notes"); do
    "$bin/slamail" case note --text "$note" "$case_id" >/dev/null
done
for _ in $(seq 1 "$case_cycles"); do
    "$bin/slamail" case close --reason "$reason" "$case_id" >/dev/null
    "$bin/slamail" case reopen --reason "$reason" "$case_id" >/dev/null
done

events agents agents-queue-page GET /queues/activestate/enterprise-urgent limit=1000
events agents agents-case-page GET "/cases/$case_id"
events agents-6mb
run_lambda agents-queue-page-1000 "$bin/agents" "$work/agents-queue-page.event.json"
echo "  ($(grep -o "case_id" "$work/agents-queue-page-1000.response" | wc -l) case_id fields on the page)"
run_lambda agents-case-page "$bin/agents" "$work/agents-case-page.event.json"
echo "  (response $(wc -c <"$work/agents-case-page.response") bytes)"
run_lambda agents-6mb-event "$bin/agents" "$work/agents-6mb.event.json"

echo '{}' >"$work/watch.event.json"
run_lambda watch-pass "$bin/watch" "$work/watch.event.json"
echo "  ($(grep -ho '"CasesRead":[0-9]*\|"WarningsSent":[0-9]*' "$work/watch-pass.out" | tr '\n' ' '))"

events replies replies-6mb 0 10 max
events replies replies-typical 10 10 2000
run_lambda replies-10x560kb-6mb "$bin/replies" "$work/replies-6mb.event.json"
run_lambda replies-10x2kb "$bin/replies" "$work/replies-typical.event.json"

events bounce
run_lambda feedback-256kb-bounce "$bin/feedback" "$work/feedback.event.json"
