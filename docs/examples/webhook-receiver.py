#!/usr/bin/env python3
"""A small local receiver for Watch's notifications, to see them arrive while trying Evenkeel out.

    python3 docs/examples/webhook-receiver.py --port 5001
    evenkeel up --notify docs/examples/notify-local.yaml

It prints each notification as the team it is written for would read it (the path says which receiver: /noc or
/engineering), answers 200, and says when the same notification (the same Idempotency-Key) comes twice. With
--log FILE it also writes one JSON line per request: arrival time, path, key, and whether it was a repeat.
"""
import argparse
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BODY = 1 << 20
seen = set()
lock = threading.Lock()


def readable(payload):
    """The words of a webhook (Alertmanager v4), Slack or PagerDuty payload."""
    if isinstance(payload, dict) and "alerts" in payload:
        alert = payload["alerts"][0] if payload["alerts"] else {}
        notes = alert.get("annotations", {})
        return f"{notes.get('summary', '')}\n{notes.get('description', '')}".strip()
    if isinstance(payload, dict) and "text" in payload:
        return payload["text"]
    if isinstance(payload, dict) and "event_action" in payload:
        return f"pagerduty {payload['event_action']} {payload.get('dedup_key', '')}: {payload.get('payload', {}).get('summary', '')}"
    if isinstance(payload, list):
        return "\n".join(a.get("annotations", {}).get("summary", "") for a in payload)
    return json.dumps(payload)[:500]


class Receiver(BaseHTTPRequestHandler):
    log_file = None

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.send_response(413)
            self.end_headers()
            return
        body = self.rfile.read(length)
        key = self.headers.get("Idempotency-Key", "")
        with lock:
            repeat = key in seen
            seen.add(key)
        try:
            payload = json.loads(body)
        except ValueError:
            payload = body.decode("utf-8", "replace")
        arrived = time.time()
        stamp = time.strftime("%H:%M:%S", time.gmtime(arrived))
        marker = " (REPEAT: already received)" if repeat else ""
        print(f"--- {stamp} UTC {self.path}{marker}\n{readable(payload)}\n", flush=True)
        if self.log_file:
            with lock, open(self.log_file, "a") as out:
                out.write(json.dumps({"at": arrived, "path": self.path, "key": key, "repeat": repeat, "payload": payload}) + "\n")
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=5001)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--log", help="append one JSON line per request to this file")
    args = parser.parse_args()
    Receiver.log_file = args.log
    server = ThreadingHTTPServer((args.host, args.port), Receiver)
    print(f"receiving on http://{args.host}:{args.port}/ (Ctrl-C stops)", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
