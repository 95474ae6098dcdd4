"""UNIBOS_PATRONI_*: read from the environment, each error naming its variable."""

import pytest
from unibos.cli.hub import environment
from unibos.cli.hub.environment import BadSetting


@pytest.fixture(autouse=True)
def clean(monkeypatch):
    for name in ("URLS", "USERNAME", "PASSWORD", "PASSWORD_FILE"):
        monkeypatch.delenv(f"UNIBOS_PATRONI_{name}", raising=False)


def test_urls_are_comma_separated_without_trailing_slashes(monkeypatch):
    monkeypatch.setenv("UNIBOS_PATRONI_URLS", "http://rocksteady:8008/, http://bebop:8008")

    assert environment.patroni_urls() == ["http://rocksteady:8008", "http://bebop:8008"]


def test_missing_urls_are_named_and_exit_2():
    with pytest.raises(BadSetting, match="bad settings: UNIBOS_PATRONI_URLS is not set") as error:
        environment.patroni_urls()

    assert error.value.exit_code == 2


@pytest.mark.parametrize(
    "url",
    [
        "rocksteady:8008",
        "ftp://rocksteady:8008",
        "http://rocksteady:8008/cluster",
        "http://:8008",
        "http://rocksteady:port",
        "http://patroni:pw@rocksteady:8008",
        "http://rocksteady:0",
    ],
)
def test_a_malformed_url_is_named(monkeypatch, url):
    monkeypatch.setenv("UNIBOS_PATRONI_URLS", f"http://bebop:8008,{url}")

    with pytest.raises(BadSetting, match=f"UNIBOS_PATRONI_URLS must be .* and {url!r} is not one"):
        environment.patroni_urls()


def test_the_username_defaults_to_patroni(monkeypatch):
    assert environment.username() == "patroni"
    monkeypatch.setenv("UNIBOS_PATRONI_USERNAME", "admin")
    assert environment.username() == "admin"


def test_the_password_is_read_from_its_file(monkeypatch, tmp_path):
    (tmp_path / "password").write_text("from-the-file\n")
    monkeypatch.setenv("UNIBOS_PATRONI_PASSWORD_FILE", str(tmp_path / "password"))

    assert environment.password() == "from-the-file"


def test_the_password_may_be_set_directly(monkeypatch):
    monkeypatch.setenv("UNIBOS_PATRONI_PASSWORD", "direct")

    assert environment.password() == "direct"


def test_a_missing_password_is_named():
    with pytest.raises(
        BadSetting, match=r"UNIBOS_PATRONI_PASSWORD is not set \(nor UNIBOS_PATRONI_PASSWORD_FILE\)"
    ):
        environment.password()


def test_an_unreadable_or_empty_password_file_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv("UNIBOS_PATRONI_PASSWORD_FILE", str(tmp_path / "missing"))
    with pytest.raises(BadSetting, match=r"UNIBOS_PATRONI_PASSWORD_FILE names .*cannot be read"):
        environment.password()

    (tmp_path / "empty").write_text("\n")
    monkeypatch.setenv("UNIBOS_PATRONI_PASSWORD_FILE", str(tmp_path / "empty"))
    with pytest.raises(BadSetting, match=r"UNIBOS_PATRONI_PASSWORD_FILE names .*empty.* is empty"):
        environment.password()


def test_a_password_set_both_ways_is_refused(monkeypatch, tmp_path):
    (tmp_path / "password").write_text("one")
    monkeypatch.setenv("UNIBOS_PATRONI_PASSWORD_FILE", str(tmp_path / "password"))
    monkeypatch.setenv("UNIBOS_PATRONI_PASSWORD", "two")

    with pytest.raises(
        BadSetting, match="UNIBOS_PATRONI_PASSWORD and UNIBOS_PATRONI_PASSWORD_FILE"
    ):
        environment.password()
