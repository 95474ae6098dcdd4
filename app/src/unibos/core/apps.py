from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "unibos.core"
    label = "unibos_core"

    def ready(self) -> None:
        # Registers the unibos.E0xx checks with Django's check framework.
        from unibos.core import checks  # noqa: F401, PLC0415
