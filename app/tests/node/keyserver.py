"""Ed25519 signing keys made in the test, and a real HTTP server publishing their JWKS.

For the node's behaviour with a hub's keys alone (cache, rotation, refresh limits); the
node's conversations with a real hub run against `live_server`.
"""

import base64
import hashlib
import json
import threading
import uuid
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ISSUER = "unibos-hub"


def _base64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class SigningKey:
    def __init__(self) -> None:
        self.private = Ed25519PrivateKey.generate()
        x = _base64url(
            self.private.public_key().public_bytes(
                serialization.Encoding.Raw, serialization.PublicFormat.Raw
            )
        )
        members = json.dumps({"crv": "Ed25519", "kty": "OKP", "x": x}, separators=(",", ":"))
        self.kid = _base64url(hashlib.sha256(members.encode()).digest())
        self.jwk = {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": self.kid, "alg": "EdDSA"}

    def sign(self, organization_id: int, lifetime: int = 900, **claims: object) -> str:
        now = datetime.now(UTC)
        payload = {
            "iss": ISSUER,
            "aud": "unibos",
            "sub": "user:1",
            "org": organization_id,
            "role": "member",
            "iat": now,
            "nbf": now,
            "exp": now + timedelta(seconds=lifetime),
            "jti": uuid.uuid4().hex,
            **claims,
        }
        return jwt.encode(payload, self.private, algorithm="EdDSA", headers={"kid": self.kid})


class JWKSServer:
    """Serves GET /.well-known/jwks.json with the keys it is given; counts the requests."""

    def __init__(self) -> None:
        self.keys: list[SigningKey] = []
        self.requests = 0
        # An HTTP status to answer with instead of the JWKS: a hub in trouble.
        self.failing_with: int | None = None
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def publish(self, *keys: SigningKey) -> None:
        self.keys = list(keys)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests += 1
                if self.path != "/.well-known/jwks.json":
                    self.send_error(404)
                    return
                if server.failing_with is not None:
                    self.send_error(server.failing_with)
                    return
                body = json.dumps({"keys": [key.jwk for key in server.keys]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler
