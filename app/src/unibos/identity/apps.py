from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "unibos.identity"
    label = "identity"

    def ready(self) -> None:
        # Registers unibos.E010 and unibos.E011, and resets the tenant of every new
        # database connection.
        from unibos.identity import checks, tenancy  # noqa: F401, PLC0415
