"""The worst-case data and events of scripts/measure-memory.sh for the agents, watch, feedback and
replies functions (the intake's and the contacts' are in the script itself).

Usage: measure-memory-events.py WORK COMMAND [ARGS]

  queue-mail N           N distinct copies of sample 01 (the designated contact's critical
                         message), each stored in the raw-mail bucket as SES's S3 action stores
                         it, and one SES receipt event naming them all, received two days ago
                         (so that every warning point of their clocks has passed):
                         WORK/queue-mail.event.json, for one run of the real intake.
  agents NAME METHOD PATH [QUERY]
                         An HTTP API (payload 2.0) event of an agent (JWT claims of a verified
                         member of the agents group): WORK/NAME.event.json.
  agents-6mb             The largest event a synchronous invocation accepts (6 MB): a reply
                         whose JSON body is one 6 MB field: WORK/agents-6mb.event.json.
  replies NAME FIRST COUNT RAW_BYTES
                         Takes the inbound items of queue-mail messages FIRST .. FIRST+COUNT-1
                         back to `queued` (as the intake leaves a reply SES throttled) and
                         writes the SQS batch the reply queue would deliver for them, each
                         rendered reply RAW_BYTES long, or with `max` as long as fits one
                         invocation's 6 MB event: WORK/NAME.event.json.
  case-of SES_ID         Prints the case of a queue-mail message (on stdout).
  bounce                 The largest SNS notification (256 KB): SES's bounce event of an
                         auto-reply the demo sent, its bouncedRecipients list filled to SNS's limit:
                         WORK/feedback.event.json.

Environment: AWS_ENDPOINT_URL, RAW_MAIL_BUCKET, CASES_TABLE (set by the script).
"""

import base64
import datetime
import json
import os
import sys

import boto3

work, command, args = sys.argv[1], sys.argv[2], sys.argv[3:]
endpoint = os.environ["AWS_ENDPOINT_URL"]
SYNC_EVENT_LIMIT = 6 * 1000 * 1000
SNS_MESSAGE_LIMIT = 256 * 1024
AGENT = "sam@activestate.com"


def client(service):
    return boto3.client(service, endpoint_url=endpoint, region_name=os.environ["AWS_REGION"])


def write(name, event):
    text = json.dumps(event)
    with open(f"{work}/{name}.event.json", "w") as f:
        f.write(text)
    print(f"{name} event: {len(text)} bytes", file=sys.stderr)


def stamp(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def queue_mail(n):
    raw = open("samplemail/01-enterprise-critical.eml", "rb").read()
    template = json.load(open("samplemail/01-enterprise-critical.event.json"))["Records"][0]
    # The receipt event's copy of the headers is not read by the intake; left out, the one event
    # naming all N messages stays small.
    template["ses"]["mail"]["headers"] = []
    s3 = client("s3")
    start = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=2)
    records = []
    for i in range(n):
        message_id = f"measure-q-{i}"
        own_id = f"<measure-q-{i}@mail.acme.example>"
        lines = []
        for line in raw.split(b"\n"):
            if line.startswith(b"Message-ID:") or line.startswith(b"Message-Id:"):
                line = b"Message-ID: " + own_id.encode()
            lines.append(line)
        s3.put_object(Bucket=os.environ["RAW_MAIL_BUCKET"], Key="inbound/" + message_id,
                      Body=b"\n".join(lines))
        record = json.loads(json.dumps(template))
        at = stamp(start + datetime.timedelta(seconds=i))
        record["ses"]["mail"]["messageId"] = message_id
        record["ses"]["mail"]["timestamp"] = at
        record["ses"]["mail"]["commonHeaders"]["messageId"] = own_id
        record["ses"]["receipt"]["timestamp"] = at
        records.append(record)
    write("queue-mail", {"Records": records})


def http_event(method, path, query="", body=None):
    params = dict(p.split("=", 1) for p in query.split("&") if p)
    event = {
        "version": "2.0", "routeKey": "$default", "rawPath": path, "rawQueryString": query,
        "headers": {"content-type": "application/json"},
        "requestContext": {
            "accountId": "111122223333", "apiId": "api", "domainName": "agents.example",
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1",
                     "sourceIp": "192.0.2.1", "userAgent": "measure"},
            "requestId": "measure", "routeKey": "$default", "stage": "$default",
            "time": "23/Nov/2026:13:00:00 +0000", "timeEpoch": 1795438800000,
            "authorizer": {"jwt": {"claims": {"sub": "u-2", "email": AGENT,
                                              "email_verified": "true",
                                              "cognito:groups": "[slamail-agents]"},
                                   "scopes": None}},
        },
        "isBase64Encoded": False,
    }
    if params:
        event["queryStringParameters"] = params
    if body is not None:
        event["body"] = body
    return event


def agents(name, method, path, query=""):
    write(name, http_event(method, path, query))


def agents_6mb():
    event = http_event("POST", "/cases/AS-2026-000001/reply")
    filler = SYNC_EVENT_LIMIT - len(json.dumps(event)) - 200
    event["body"] = json.dumps({"text": "x" * filler})
    write("agents-6mb", event)


def rendered_reply(to, own_id, size):
    head = (f"From: ActiveState Support <support@activestate.com>\r\nTo: {to}\r\n"
            f"Subject: Re: [Level 1] Production builds failing\r\nMessage-ID: {own_id}\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
            "Content-Transfer-Encoding: 7bit\r\n\r\n")
    line = "We have received your request and opened a case for it.\r\n"
    return head + line * max(1, (size - len(head)) // len(line))


def replies(name, first, count, raw_bytes):
    db = client("dynamodb")
    table = os.environ["CASES_TABLE"]
    queued = []
    for i in range(first, first + count):
        key = {"pk": {"S": f"INBOUND#measure-q-{i}"}, "sk": {"S": "POLICY#activestate"}}
        item = db.get_item(TableName=table, Key=key, ConsistentRead=True)["Item"]
        db.update_item(TableName=table, Key=key,
                       UpdateExpression="SET reply_state = :queued, lease_until = :zero",
                       ExpressionAttributeValues={":queued": {"S": "queued"}, ":zero": {"N": "0"}})
        queued.append((i, item["case_id"]["S"]))

    def batch(size):
        records = []
        for i, case_id in queued:
            own_id = f"<measure-reply-{i}@activestate.com>"
            body = {
                "ses_message_id": f"measure-q-{i}", "scope": {"policy": "activestate"},
                "case_id": case_id, "message_id": own_id, "from": "support@activestate.com",
                "to": "alice@acme.example",
                "raw": rendered_reply("alice@acme.example", own_id, size),
            }
            records.append({
                "messageId": f"measure-sqs-{i}", "receiptHandle": "measure",
                "body": json.dumps(body),
                "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1795438800000",
                               "SenderId": "measure",
                               "ApproximateFirstReceiveTimestamp": "1795438800000"},
                "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:111122223333:measure-replies",
                "awsRegion": "us-east-1",
            })
        return {"Records": records}

    if raw_bytes != "max":
        write(name, batch(int(raw_bytes)))
        return
    # As large as one invocation's event can be: the replies grown until the batch fills it.
    size = SYNC_EVENT_LIMIT // count
    while len(json.dumps(event := batch(size))) > SYNC_EVENT_LIMIT:
        size = size * SYNC_EVENT_LIMIT // len(json.dumps(event)) - 1000
    write(name, event)


def bounce():
    # The bounce is about an auto-reply that was sent (one of the demo's cases), so that the
    # whole path runs: the reply's case is found and the bounce recorded on it.
    db = client("dynamodb")
    pages = db.get_paginator("scan").paginate(
        TableName=os.environ["CASES_TABLE"], FilterExpression="sk = :case AND reply.#s = :sent",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":case": {"S": "CASE"}, ":sent": {"S": "sent"}})
    case = next(item for page in pages for item in page["Items"])
    reply_id = case["reply"]["M"]["ses_message_id"]["S"]
    requester = case["requester"]["S"]
    now = stamp(datetime.datetime.now(datetime.timezone.utc))
    recipient = {"emailAddress": requester, "action": "failed", "status": "5.1.1",
                 "diagnosticCode": "smtp; 550 5.1.1 user unknown"}
    message = {
        "eventType": "Bounce",
        "bounce": {"bounceType": "Permanent", "bounceSubType": "General",
                   "bouncedRecipients": [], "timestamp": now,
                   "feedbackId": f"measure-feedback-{now}", "reportingMTA": "dsn; a.example"},
        "mail": {"timestamp": now, "source": "support@activestate.com", "messageId": reply_id,
                 "destination": [requester], "headersTruncated": False,
                 "headers": [], "commonHeaders": {}},
    }
    # Remote servers choose the recipients list: filled with entries to SNS's limit, each one a
    # record the parser allocates.
    room = SNS_MESSAGE_LIMIT - len(json.dumps(message)) - 16
    one = len(json.dumps(recipient)) + 2
    message["bounce"]["bouncedRecipients"] = [recipient] * (room // one)
    text = json.dumps(message)
    assert len(text) <= SNS_MESSAGE_LIMIT, len(text)
    write("feedback", {"Records": [{
        "EventSource": "aws:sns", "EventVersion": "1.0",
        "EventSubscriptionArn": "arn:aws:sns:us-east-1:111122223333:measure-feedback:1",
        "Sns": {"Type": "Notification", "MessageId": "measure-sns-1",
                "TopicArn": "arn:aws:sns:us-east-1:111122223333:measure-feedback",
                "Subject": None, "Message": text, "Timestamp": now, "SignatureVersion": "1",
                "Signature": base64.b64encode(b"measure").decode(), "SigningCertUrl": "",
                "UnsubscribeUrl": "", "MessageAttributes": {}},
    }]})


if command == "queue-mail":
    queue_mail(int(args[0]))
elif command == "agents":
    agents(*args)
elif command == "agents-6mb":
    agents_6mb()
elif command == "replies":
    replies(args[0], int(args[1]), int(args[2]), args[3])
elif command == "case-of":
    key = {"pk": {"S": f"INBOUND#{args[0]}"}, "sk": {"S": "POLICY#activestate"}}
    print(client("dynamodb").get_item(TableName=os.environ["CASES_TABLE"], Key=key,
                                      ConsistentRead=True)["Item"]["case_id"]["S"])
elif command == "bounce":
    bounce()
else:
    sys.exit(f"unknown command {command}")
