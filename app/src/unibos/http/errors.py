"""The one shape of every API error: `{"error": <code>, "detail": <sentence>}`.

A view raises ApiError; `unibos.http.contract.endpoint` turns it into that JSON body
with its status. Django's own refusals (no such path, a failing view) answer in the same
shape through the handlers here, which unibos.http.urls installs.
"""

import logging
from typing import Any

from django.http import HttpRequest, JsonResponse

from unibos.identity.limits import LimitExceeded

logger = logging.getLogger(__name__)

ERROR: dict[str, Any] = {
    "type": "object",
    "required": ["error", "detail"],
    "properties": {
        "error": {"type": "string", "description": "a machine-readable code"},
        "detail": {"type": "string", "description": "names the field, limit or token at fault"},
        "field": {"type": "string", "description": "the field at fault, when there is one"},
    },
}
LIMIT_ERROR = {**ERROR, "properties": {**ERROR["properties"], "limit": {"type": "string"}}}


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        error: str,
        detail: str,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status, self.error, self.detail = status, error, detail
        self.headers = headers or {}
        # More members of the body, such as the `limit` of a 409 limit error.
        self.extra = extra

    def response(self) -> JsonResponse:
        response = JsonResponse(
            {"error": self.error, "detail": self.detail, **self.extra}, status=self.status
        )
        for name, value in self.headers.items():
            response[name] = value
        return response


def invalid(field: str, problem: str) -> ApiError:
    """400 naming the field at fault, in `detail` and in `field`."""
    return ApiError(400, "invalid", f"{field}: {problem}", field=field)


def not_found(what: str) -> ApiError:
    """Another organization's object is exactly as missing as one that never existed."""
    return ApiError(404, "not_found", f"no such {what}")


def limit_exceeded(error: LimitExceeded) -> ApiError:
    """409, naming the limit in `limit` as well as in the sentence."""
    return ApiError(409, "limit", str(error), limit=error.limit)


# Django calls these instead of rendering its HTML pages (DEBUG off, as on every host).


def bad_request(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return ApiError(400, "bad_request", "the request could not be read").response()


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return ApiError(403, "forbidden", "this request is not allowed").response()


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    # No path parameter that does not match its route (`/api/conflicts/abc/resolve`)
    # reaches a view either: it is a path this API does not have.
    return ApiError(404, "not_found", f"no such path: {request.path}").response()


def server_error(request: HttpRequest) -> JsonResponse:
    # Django has logged the exception with its traceback already (django.request).
    return ApiError(500, "server_error", "the server failed; the error is logged").response()
