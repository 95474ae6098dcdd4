"""A test double of Patroni's REST API for `unibos-hub`, on a real socket in a thread.

It serves GET /cluster documents in turn (repeating the last) and answers POSTs as told,
and records every request. The real Patroni is exercised by the Molecule `ha` scenario.
"""

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> object:
        return json.loads(self.body)


@dataclass
class Answer:
    status: int
    text: str
    # What GET /cluster serves once this answer is given.
    then: list[dict] = field(default_factory=list)
    delay: float = 0.0


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        # A client that gave up (a timeout test) leaves a broken pipe: expected here.
        pass


class FakePatroni:
    def __init__(self) -> None:
        self.documents: list[dict] = []
        self.cluster_status = 200
        self.cluster_delay = 0.0
        self.answers: dict[str, Answer] = {}
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def serve(self, *documents: dict) -> None:
        with self._lock:
            self.documents = list(documents)

    def answer(self, path: str, status: int, text: str, *then: dict, delay: float = 0.0) -> None:
        self.answers[path] = Answer(status, text, list(then), delay)

    def requests_to(self, method: str) -> list[Recorded]:
        return [request for request in self.requests if request.method == method]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _next_document(self) -> dict:
        with self._lock:
            if len(self.documents) > 1:
                return self.documents.pop(0)
            return self.documents[0]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _record(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                fake.requests.append(
                    Recorded(self.command, self.path, dict(self.headers), self.rfile.read(length))
                )

            def _send(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                self._record()
                time.sleep(fake.cluster_delay)
                if self.path != "/cluster":
                    self._send(404, b"", "text/plain")
                    return
                body = json.dumps(fake._next_document()).encode()
                self._send(fake.cluster_status, body, "application/json")

            def do_POST(self) -> None:
                self._record()
                answer = fake.answers.get(self.path, Answer(404, "not found"))
                time.sleep(answer.delay)
                if answer.then:
                    fake.serve(*answer.then)
                self._send(answer.status, answer.text.encode(), "text/html")

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler
