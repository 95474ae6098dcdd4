from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "unibos.api"
    label = "api"

    def ready(self) -> None:
        # Describes core's /api/health and /api/ready in the OpenAPI document.
        from unibos.api import health  # noqa: F401, PLC0415
