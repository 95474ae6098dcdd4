"""Real HTTP servers, in threads, that answer like a hub: for the tests of the node's hubs.

Each serves `GET /api/ready` and the JWKS; `stop` closes the listening socket, so a new
connection is refused as by a killed hub, and `start` listens on the same port again.
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from unibos_controller.testbed.servers import free_port


class FakeHub:
    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # Seconds /api/ready waits before answering: a hub far away.
        self.ready_delay = 0.0
        # What /api/ready answers: 503 is a hub whose database or broker is down.
        self.ready_status = 200
        # (status, document) to answer the JWKS request with instead of the keys.
        self.answer: tuple[int, dict[str, Any]] = (200, {"keys": [], "served_by": self.url})
        self.requests: list[str] = []
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> "FakeHub":
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hub.requests.append(self.path)
                if self.path == "/api/ready":
                    time.sleep(hub.ready_delay)
                    self._send(hub.ready_status, {"status": "ok", "deployment": "hub"})
                else:
                    self._send(*hub.answer)

            def _send(self, status: int, document: dict[str, Any]) -> None:
                body = json.dumps(document).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                """Quiet: the tests' output is for their failures."""

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
