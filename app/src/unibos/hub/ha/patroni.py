"""A client of Patroni's REST API (port 8008 on each hub), on the standard library only.

Each request tries the members' URLs in order and takes the first answer, so the CLI
works whichever hub is down.
"""

import base64
import http.client
import json
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.error import HTTPError, URLError

# A member that does not answer a GET within this is treated as down.
TIMEOUT_SECONDS = 3.0
# POST /switchover and /failover answer once the new leader runs; Patroni waits up to
# about twice its loop_wait for that, so they get longer than a GET.
ACTION_TIMEOUT_SECONDS = 30.0

# No proxy from the environment (http_proxy on a host) between a hub and its peers.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class PatroniUnreachable(Exception):
    """No URL answered; `failures` says what went wrong with each."""

    def __init__(self, failures: dict[str, str]) -> None:
        self.failures = failures
        super().__init__(
            "no Patroni REST API answered: "
            + "; ".join(f"{url} ({reason})" for url, reason in failures.items())
        )


class PatroniError(Exception):
    """Patroni answered, with an error status; `text` is its explanation."""

    def __init__(self, url: str, status: int, text: str) -> None:
        self.url, self.status, self.text = url, status, text
        super().__init__(f"Patroni at {url} answered {status}: {text}")


class PatroniNoAnswer(Exception):
    """The request reached Patroni, which gave no answer in time: it may be acting on it."""

    def __init__(self, url: str, error: Exception) -> None:
        self.url = url
        super().__init__(f"Patroni at {url} gave no answer: {error}")


@dataclass(frozen=True)
class Patroni:
    urls: list[str]
    username: str = "patroni"
    password: str | None = None

    def cluster(self) -> dict[str, Any]:
        """GET /cluster from the first member that answers it with a JSON document."""
        failures: dict[str, str] = {}
        for url in self.urls:
            try:
                with _opener.open(f"{url}/cluster", timeout=TIMEOUT_SECONDS) as response:
                    document = json.loads(response.read())
            except HTTPError as error:
                failures[url] = f"HTTP {error.code}"
                continue
            except URLError as error:
                failures[url] = str(error.reason)
                continue
            except (OSError, ValueError, http.client.HTTPException) as error:
                # A timeout while reading, a broken answer, or not JSON.
                failures[url] = str(error) or type(error).__name__
                continue
            if isinstance(document, dict) and isinstance(document.get("members"), list):
                return document
            failures[url] = "not a Patroni /cluster document"
        raise PatroniUnreachable(failures)

    def post(self, path: str, body: dict[str, Any]) -> str:
        """POST `body` as JSON, with basic auth, to the first member that takes it.

        Only a member that could not be reached is skipped: once a request went out, a
        second one elsewhere could start a second switchover.
        """
        if self.password is None:
            raise ValueError("a POST to Patroni needs its REST API password")
        credentials = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        headers = {"Content-Type": "application/json", "Authorization": f"Basic {credentials}"}
        failures: dict[str, str] = {}
        for url in self.urls:
            request = urllib.request.Request(
                f"{url}{path}", data=json.dumps(body).encode(), headers=headers, method="POST"
            )
            try:
                with _opener.open(request, timeout=ACTION_TIMEOUT_SECONDS) as response:
                    return response.read().decode(errors="replace").strip()
            except HTTPError as error:
                text = error.read().decode(errors="replace").strip()
                raise PatroniError(url, error.code, text or str(error.reason)) from None
            except URLError as error:
                # urllib raises URLError when it could not send the request.
                failures[url] = str(error.reason)
            except (OSError, http.client.HTTPException) as error:
                raise PatroniNoAnswer(url, error) from None
        raise PatroniUnreachable(failures)
