# A leaky HTTP server that is not Node, for leakbench's black-box mode test (`run --cmd` with no
# inspector). Listens on 127.0.0.1:$PORT; every request with a key retains the key plus LEAK_BYTES
# bytes (default 4000) in a module-level list, so its RSS grows with traffic.
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LEAK_BYTES = int(os.environ.get("LEAK_BYTES", "4000"))
retained = []


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _answer(self):
        length = int(self.headers.get("content-length") or 0)
        if length:
            self.rfile.read(length)
        key = self.headers.get("x-api-key")
        if key:
            if LEAK_BYTES > 0:
                retained.append((key, bytearray(LEAK_BYTES)))
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
