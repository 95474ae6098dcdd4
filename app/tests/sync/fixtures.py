"""Three nodes of organization acme on the real hub, and a node of another organization.

pytest loads this before tests/conftest.py has set up Django, so what needs the
models is imported inside the fixtures.
"""

import pytest


def _node(hub, name: str, path):
    from tests.sync.nodes import enrol  # noqa: PLC0415

    node = enrol(hub, name, path)
    yield node
    node.store.close()


@pytest.fixture
def node_a(hub, tmp_path):
    yield from _node(hub, "pi-a", tmp_path / "a" / "sync.sqlite3")


@pytest.fixture
def node_b(hub, tmp_path):
    yield from _node(hub, "pi-b", tmp_path / "b" / "sync.sqlite3")


@pytest.fixture
def node_c(hub, tmp_path):
    yield from _node(hub, "pi-c", tmp_path / "c" / "sync.sqlite3")


@pytest.fixture
def outsider(hub) -> tuple[str, str, int]:
    """A node of organization globex: (node id, credential, organization id)."""
    from unibos.identity import enrolment, tenancy  # noqa: PLC0415
    from unibos.identity.models import Organization  # noqa: PLC0415

    globex = Organization.objects.create(slug="globex", name="Globex")
    with tenancy.system():
        secret, _ = enrolment.create_token(globex, None)
    node, credential = enrolment.enrol(secret, "globex-edge", "0.1.0")
    return str(node.pk), credential, globex.pk
