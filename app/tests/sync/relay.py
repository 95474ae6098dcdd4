"""A hub address that can go dark: a real HTTP relay in front of the live hub.

Up, it forwards each request to the hub as it came (gzip bodies and all) and answers
with the hub's answer. Down, it still accepts connections but answers every request 503
with no JSON, as a hub whose application is dead behind its proxy does, so the requests
a dead hub receives can be counted.
"""

import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from tests.servers import free_port

# Hop-by-hop headers, which belong to each connection and are not forwarded.
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "host"}


class Relay:
    def __init__(self, hub_url: str) -> None:
        self.hub = urlsplit(hub_url).netloc
        self.url = f"http://127.0.0.1:{free_port()}"
        self.up = True
        # (method, path) of every request received, up or down.
        self.requests: list[tuple[str, str]] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", urlsplit(self.url).port), self._handler())
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        relay = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._relay()

            def do_POST(self) -> None:
                self._relay()

            def _relay(self) -> None:
                relay.requests.append((self.command, self.path))
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if not relay.up:
                    self._answer(503, [("Content-Type", "text/plain")], b"down")
                    return
                hub = http.client.HTTPConnection(relay.hub, timeout=30)
                try:
                    headers = {
                        name: value
                        for name, value in self.headers.items()
                        if name.lower() not in HOP_BY_HOP
                    }
                    hub.request(self.command, self.path, body=body or None, headers=headers)
                    answer = hub.getresponse()
                    content = answer.read()
                    self._answer(answer.status, answer.getheaders(), content)
                finally:
                    hub.close()

            def _answer(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
                self.send_response(status)
                for name, value in headers:
                    if name.lower() not in HOP_BY_HOP | {"content-length"}:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                """Quiet: the tests' output is for their failures."""

        return Handler
