"""HTTP requests made from inside a host that testinfra reaches (a Molecule instance or
the dev host's container): the scenarios' verify suites check the services where they
listen, on the host itself."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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
