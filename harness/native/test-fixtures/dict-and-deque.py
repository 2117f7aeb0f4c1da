# A Python API server for `run --native` (tracemalloc): every request stores its key's record in a
# module-level dict that is never trimmed (the leak) and in a deque of at most 200 recent calls
# (bounded: grows once, then stays). The dict's line must be named, the deque's not.
import collections
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

seen_keys = {}
recent_calls = collections.deque(maxlen=200)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _answer(self):
        length = int(self.headers.get("content-length") or 0)
        if length:
            self.rfile.read(length)
        key = self.headers.get("x-api-key") or ""
        if key:
            seen_keys[key] = {"hits": 1, "owner": "acct_" + key[3:11], "path": self.path}  # LEAK: never trimmed
            recent_calls.append({"owner": "acct_" + key[3:11], "path": self.path})  # bounded: maxlen 200
            status, body = 200, b'{"ok":true}'
        else:
            status, body = 400, b'{"error":"missing key"}'
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = _answer
    do_POST = _answer

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
