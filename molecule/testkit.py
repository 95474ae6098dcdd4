"""What the scenarios' verify suites share (molecule/*/tests/conftest.py import it)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from testinfra.host import Host

# Sends one HTTP request inside a host and prints the status and the body on one line
# each; the host's own python3 is enough, so the check does not depend on curl.
# argv: url, method, JSON body or "", JSON object of headers.
_REQUEST = (
    "import json, sys, urllib.request, urllib.error\n"
    "url, method, body, headers = sys.argv[1:5]\n"
    "request = urllib.request.Request(url, data=body.encode() or None, method=method,\n"
    "                                 headers=json.loads(headers))\n"
    "try:\n"
    "    r = urllib.request.urlopen(request, timeout=10)\n"
    "except urllib.error.HTTPError as e:\n"
    "    r = e\n"
    "print(r.status if hasattr(r, 'status') else r.code)\n"
    "print(r.read().decode())\n"
)


def request(
    host: Host,
    url: str,
    method: str = "GET",
    body: Any = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, str]:
    """An HTTP request from inside the host (a JSON body when given): (status, body)."""
    headers = dict(headers or {})
    if body is not None:
        headers.setdefault("Content-Type", "application/json")
    out = host.check_output(
        "python3 -c %s %s %s %s %s",
        _REQUEST,
        url,
        method,
        "" if body is None else json.dumps(body),
        json.dumps(headers),
    )
    status, _, text = out.partition("\n")
    return int(status), text


def fetch(host: Host, url: str) -> tuple[int, str]:
    """GET url from inside the host: (status, body)."""
    return request(host, url)


def wait_for(
    check: Callable[[], Any],
    timeout: float,
    what: str,
    interval: float = 2.0,
    errors_are_not_yet: bool = False,
) -> Any:
    """Return check()'s first truthy result, or fail naming what never happened.

    With errors_are_not_yet, an exception from check counts as not yet (a cluster
    member may be settling); otherwise it fails the test at once.
    """
    deadline = time.monotonic() + timeout
    last: Any = None
    while True:
        try:
            last = check()
        except Exception as error:
            if not errors_are_not_yet:
                raise
            last = f"{type(error).__name__}: {error}"
        else:
            if last:
                return last
        if time.monotonic() >= deadline:
            pytest.fail(f"{what} did not happen within {timeout:.0f}s (last seen: {last!r})")
        time.sleep(interval)
