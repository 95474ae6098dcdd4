from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "unibos.dispatch"
    label = "dispatch"
    verbose_name = "Task distribution"

    def ready(self) -> None:
        # checks: registers unibos.E020 (routing settings) and E021 (visibility timeout)
        # with Django's check framework;
        # stats: connects the per-queue task counters in every process that runs tasks.
        from unibos.dispatch import checks, stats  # noqa: F401, PLC0415
