from tests.settings.conftest import load_settings  # noqa: F401
