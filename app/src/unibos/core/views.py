from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from unibos.core import health as health_checks


@never_cache
@require_safe
def health(request: HttpRequest) -> JsonResponse:
    report = health_checks.report()
    return JsonResponse(report, status=503 if report["failing"] else 200)


@never_cache
@require_safe
def ready(request: HttpRequest) -> JsonResponse:
    report = health_checks.readiness()
    return JsonResponse(report, status=503 if report["failing"] else 200)
