"""HTTP to the hub's API, on the standard library, with short timeouts.

A node is often offline, so "the hub did not answer" is an ordinary outcome, kept apart
from "the hub answered no". Connection failures, timeouts, 5xx and answers that are not
the hub's JSON are HubUnreachable (the caller falls back to its caches); a 4xx with the
hub's error document is HubRefused, carrying the hub's own `detail`.
"""

import http.client
import json
import urllib.request
from typing import Any
from urllib.error import HTTPError, URLError

# Long enough for a hub under load on a slow uplink, short enough that a request to
# the node does not hang while the hub is unreachable.
TIMEOUT_SECONDS = 3.0
JWKS_PATH = "/.well-known/jwks.json"

# No proxy from the environment: the hub is reached on the deployment's own network.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class HubUnreachable(Exception):
    def __init__(self, url: str, reason: str) -> None:
        self.url, self.reason = url, reason
        super().__init__(f"the hub at {url} is unreachable: {reason}")


class HubRefused(Exception):
    def __init__(
        self, url: str, status: int, error: str, detail: str, field: str | None = None
    ) -> None:
        self.url, self.status, self.error, self.detail = url, status, error, detail
        # The field at fault, when the hub names one (`operations[3].node_id`).
        self.field = field
        super().__init__(f"the hub refused ({status} {error}): {detail}")


class HubClient:
    def __init__(self, url: str, timeout: float = TIMEOUT_SECONDS) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout

    def enrol(self, token: str, name: str, version: str) -> dict[str, Any]:
        return self._request(
            "POST", "/api/nodes/enrol", {"token": token, "name": name, "version": version}
        )

    def node_token(self, node_id: str, credential: str, version: str) -> dict[str, Any]:
        """A node access token; the hub records the version and the contact."""
        return self._request(
            "POST",
            "/api/nodes/token",
            {"node_id": node_id, "credential": credential, "version": version},
        )

    def user_token(self, username: str, password: str, organization: str) -> dict[str, Any]:
        return self._request(
            "POST",
            "/api/auth/token",
            {"username": username, "password": password, "organization": organization},
        )

    def me(self, access_token: str) -> dict[str, Any]:
        return self._request("GET", "/api/me", bearer=access_token)

    def jwks(self) -> dict[str, Any]:
        document = self._request("GET", JWKS_PATH)
        if not isinstance(document.get("keys"), list):
            raise HubUnreachable(self.url, f"{JWKS_PATH} is not a JWKS")
        return document

    def _request(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        bearer: str | None = None,
    ) -> dict[str, Any]:
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(body).encode()
        if bearer is not None:
            headers["Authorization"] = f"Bearer {bearer}"
        request = urllib.request.Request(
            f"{self.url}{path}", data=data, headers=headers, method=method
        )
        try:
            with _opener.open(request, timeout=self.timeout) as response:
                return self._document(path, response.read())
        except HTTPError as error:
            refusal = self._refusal(error) if error.code < 500 else None
            if refusal is None:
                raise HubUnreachable(self.url, f"{path} answered HTTP {error.code}") from None
            raise refusal from None
        except URLError as error:
            raise HubUnreachable(self.url, str(error.reason)) from None
        except (OSError, http.client.HTTPException) as error:
            # A timeout while reading, or a connection cut short.
            raise HubUnreachable(self.url, str(error) or type(error).__name__) from None

    def _document(self, path: str, content: bytes) -> dict[str, Any]:
        try:
            document = json.loads(content)
        except ValueError:
            document = None
        if not isinstance(document, dict):
            # Something other than the hub answered: a captive portal, a wrong port.
            raise HubUnreachable(self.url, f"{path} did not answer with a JSON object")
        return document

    def _refusal(self, error: HTTPError) -> HubRefused | None:
        """The hub's `{"error", "detail"}`; None when the answer is not one (a 404 page of
        whatever else listens there)."""
        try:
            document = json.loads(error.read())
        except (OSError, ValueError):
            return None
        if not isinstance(document, dict) or "detail" not in document:
            return None
        return HubRefused(
            self.url, error.code, str(document.get("error", "")), str(document["detail"])
        )
