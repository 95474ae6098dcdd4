"""A hub address that can go dark or be cut off: a real HTTP relay in front of the live hub.

Up, it forwards each request to the hub as it came (gzip bodies and all) and answers
with the hub's answer. Down, it still accepts connections but answers every request 503
with no JSON, as a hub whose application is dead behind its proxy does, so the requests
a dead hub receives can be counted.

Cut (`cut` set to a Cut), it is the network between node and hub failing in one of the
ways a partition shows to the node; every request a cut hits is counted in `cuts`.
"""

import enum
import http.client
import select
import socket
import struct
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from unibos_controller.testbed.servers import free_port

# Hop-by-hop headers, which belong to each connection and are not forwarded.
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "host"}
# SO_LINGER on, for 0 s: closing the socket resets the connection.
RESET = struct.pack("ii", 1, 0)


class Cut(enum.Enum):
    """Where the network fails, as the node sees it."""

    # Before the hub: the connection is reset, the request never reaches it.
    REFUSED = "refused"
    # After the hub: it applied the request, and the connection closes with no answer.
    ANSWER_LOST = "answer lost"
    # After the hub, mid-answer: the status and headers arrive, the body does not.
    ANSWER_CUT_SHORT = "answer cut short"
    # Nothing comes back: the request hangs until the node's timeout gives up on it.
    BLACK_HOLE = "black hole"


class Relay:
    def __init__(self, hub_url: str) -> None:
        self.hub = urlsplit(hub_url).netloc
        self.url = f"http://127.0.0.1:{free_port()}"
        self.up = True
        self.cut: Cut | None = None
        # (method, path) of every request received, up or down.
        self.requests: list[tuple[str, str]] = []
        # (cut, path without the query) of every request a cut hit.
        self.cuts: list[tuple[Cut, str]] = []
        self._stopped = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", urlsplit(self.url).port), self._handler())
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self._stopped.set()
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
                cut = relay.cut
                if cut is not None:
                    relay.cuts.append((cut, urlsplit(self.path).path))
                if cut is Cut.REFUSED:
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, RESET)
                    self.connection.close()
                    return
                if cut is Cut.BLACK_HOLE:
                    self._hold()
                    return
                status, headers, content = self._forward(body)
                # BaseHTTPRequestHandler speaks HTTP/1.0: returning closes the connection.
                if cut is not Cut.ANSWER_LOST:
                    self._answer(status, headers, content, cut is Cut.ANSWER_CUT_SHORT)

            def _forward(self, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
                hub = http.client.HTTPConnection(relay.hub, timeout=30)
                try:
                    headers = {
                        name: value
                        for name, value in self.headers.items()
                        if name.lower() not in HOP_BY_HOP
                    }
                    hub.request(self.command, self.path, body=body or None, headers=headers)
                    answer = hub.getresponse()
                    return answer.status, answer.getheaders(), answer.read()
                finally:
                    hub.close()

            def _hold(self) -> None:
                """Until the client gives up and closes its end, or the relay stops."""
                while not relay._stopped.is_set():
                    # The request was read whole: readable now means closed.
                    readable, _, _ = select.select([self.connection], [], [], 0.1)
                    if readable:
                        return

            def _answer(
                self,
                status: int,
                headers: list[tuple[str, str]],
                body: bytes,
                cut_short: bool = False,
            ) -> None:
                self.send_response(status)
                for name, value in headers:
                    if name.lower() not in HOP_BY_HOP | {"content-length"}:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if not cut_short:
                    self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                """Quiet: the tests' output is for their failures."""

        return Handler
