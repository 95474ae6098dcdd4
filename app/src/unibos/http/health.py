"""/api/health and /api/ready, which hub and node both serve, with their OpenAPI operations."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from unibos.core import health_checks
from unibos.http import openapi
from unibos.http.contract import endpoint

COMPONENT = {
    "type": "object",
    "required": ["status"],
    "properties": {
        "status": {"enum": ["ok", "failing"]},
        "latency_ms": {"type": "number"},
        "error": {"type": "string"},
        "workers": {"type": "array", "items": {"type": "string"}},
    },
}
REPORT = {
    "type": "object",
    "required": ["status", "deployment", "components", "failing"],
    "properties": {
        "status": {"enum": ["ok", "failing"]},
        "deployment": {"type": "string"},
        "version": {"type": "string"},
        "components": {"type": "object", "additionalProperties": COMPONENT},
        "failing": {"type": "array", "items": {"type": "string"}},
        "schedule": {"type": "object"},
    },
}


@openapi.operation(
    summary="Is every component, queues and their workers included, working?",
    responses={200: REPORT, 503: REPORT},
)
@never_cache
# HEAD too: a load balancer or monitor may probe with it.
@endpoint("GET", "HEAD")
def health(request: HttpRequest) -> JsonResponse:
    report = health_checks.report()
    return JsonResponse(report, status=503 if report["failing"] else 200)


@openapi.operation(
    summary="Can this instance serve requests (database and broker)?",
    responses={200: REPORT, 503: REPORT},
)
@never_cache
# HEAD too: a load balancer or monitor may probe with it.
@endpoint("GET", "HEAD")
def ready(request: HttpRequest) -> JsonResponse:
    report = health_checks.readiness()
    return JsonResponse(report, status=503 if report["failing"] else 200)
