"""A one-shot stand-in for the Lambda runtime API, to run a function binary locally.

Usage: lambda-runtime-once.py PORT EVENT_FILE RESPONSE_FILE

Serves EVENT_FILE as the one invocation (GET /2018-06-01/runtime/invocation/next), writes what
the function posts back (response or error) to RESPONSE_FILE, then exits; the function's next
poll finds no server and the function exits too. Used by scripts/measure-memory.sh so that
/usr/bin/time measures the real Lambda binary, runtime client included.
"""

import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

port, event_file, response_file = int(sys.argv[1]), sys.argv[2], sys.argv[3]
with open(event_file, "rb") as f:
    event = f.read()
state = {"served": False, "done": False}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        if not self.path.endswith("/runtime/invocation/next") or state["served"]:
            # A second poll: the invocation is over. Close without an answer.
            state["done"] = True
            self.close_connection = True
            return
        state["served"] = True
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(event)))
        self.send_header("Lambda-Runtime-Aws-Request-Id", "measure-1")
        self.send_header("Lambda-Runtime-Deadline-Ms", str(int((time.time() + 900) * 1000)))
        self.send_header(
            "Lambda-Runtime-Invoked-Function-Arn",
            "arn:aws:lambda:us-east-1:111122223333:function:measure",
        )
        self.send_header("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000")
        self.end_headers()
        self.wfile.write(event)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with open(response_file, "wb") as f:
            f.write(self.path.rsplit("/", 1)[-1].encode() + b" " + body)
        self.send_response(202)
        self.send_header("Content-Length", "0")
        self.end_headers()


server = HTTPServer(("127.0.0.1", port), Handler)
server.timeout = 1
while not state["done"]:
    server.handle_request()
