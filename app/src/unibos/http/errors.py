"""The one shape of every API error: `{"error": <code>, "detail": <sentence>}`.

A view raises ApiError; `endpoint` turns it into that JSON body with its status, and
answers methods the view does not handle with 405 in the same shape.
"""

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from unibos.http.openapi import ERROR
from unibos.identity.limits import LimitExceeded

View = Callable[..., HttpResponse]


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


def not_found(what: str) -> ApiError:
    """Another organization's object is exactly as missing as one that never existed."""
    return ApiError(404, "not_found", f"no such {what}")


def limit_exceeded(error: LimitExceeded) -> ApiError:
    """409, naming the limit in `limit` as well as in the sentence."""
    return ApiError(409, "limit", str(error), limit=error.limit)


LIMIT_ERROR = {**ERROR, "properties": {**ERROR["properties"], "limit": {"type": "string"}}}


def endpoint(*methods: str) -> Callable[[View], View]:
    """Answer only `methods` (405 otherwise), and ApiError as its JSON body."""
    allowed = frozenset(methods)

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in allowed:
                return ApiError(
                    405,
                    "method_not_allowed",
                    f"{request.method} is not allowed here; use {', '.join(sorted(allowed))}",
                    headers={"Allow": ", ".join(sorted(allowed))},
                ).response()
            try:
                return view(request, *args, **kwargs)
            except ApiError as error:
                return error.response()

        return wrapper

    return decorate
