"""What a node announces over mDNS and how a peer reads it back: the TXT record says
who it is, its host name is a DNS label whatever the node's name, and a service that is
not a UNIBOS node's (no node id, no organization, a bad port, no address) is ignored."""

import socket
from datetime import UTC, datetime

import pytest
from unibos.node.peers.discovery import SERVICE, Discovery, announcement
from unibos.node.state import Identity
from zeroconf import ServiceInfo

NODE_ID = "5d0f4a4e-8a3c-4a43-9d5e-1d1d2c3b4a59"


def identity(name: str) -> Identity:
    return Identity(
        node_id=NODE_ID,
        name=name,
        organization={"id": 7, "slug": "acme", "name": "Acme"},
        issuer="unibos-hub",
        hub_url="http://127.0.0.1:9",
        enrolled_at=datetime.now(UTC).isoformat(),
    )


def service(properties: dict, addresses=("10.0.0.2",), server="pi-5d0f4a4e.local.") -> ServiceInfo:
    return ServiceInfo(
        SERVICE,
        f"pi-5d0f4a4e.{SERVICE}",
        addresses=[socket.inet_aton(address) for address in addresses],
        port=8001,
        properties=properties,
        server=server,
    )


TXT = {"node_id": NODE_ID, "org": "7", "port": "8001", "version": "0.1.0", "name": "pi"}


def test_a_nodes_service_is_read_as_its_announcement():
    found = announcement(service(TXT))

    assert found is not None
    assert (found.node_id, found.name, found.organization) == (NODE_ID, "pi", 7)
    assert (found.address, found.port, found.host) == ("10.0.0.2", 8001, "pi-5d0f4a4e.local")
    assert found.version == "0.1.0"


@pytest.mark.parametrize(
    "broken",
    [
        {**TXT, "node_id": "not-a-uuid"},
        {key: value for key, value in TXT.items() if key != "org"},
        {**TXT, "org": "acme"},
        {**TXT, "port": "0"},
    ],
    ids=["node id", "no organization", "organization not a number", "port"],
)
def test_a_service_that_is_no_nodes_is_ignored(broken):
    assert announcement(service(broken)) is None


def test_a_service_without_an_address_is_ignored():
    assert announcement(service(TXT, addresses=())) is None


@pytest.mark.parametrize(
    "name, instance",
    [
        ("pi", "pi-5d0f4a4e"),
        ("Kitchen Pi (2nd floor)", "kitchen-pi-2nd-floor-5d0f4a4e"),
        ("Küche", "k-che-5d0f4a4e"),
        ("***", "node-5d0f4a4e"),
        ("x" * 100, "x" * 40 + "-5d0f4a4e"),
    ],
)
def test_the_instance_and_host_name_are_a_dns_label_of_the_nodes_name(name, instance):
    discovery = Discovery(
        identity(name), 8001, "0.1.0", ["10.0.0.2"], on_announced=print, on_withdrawn=print
    )

    assert discovery.instance == instance
    assert discovery.service_name == f"{instance}.{SERVICE}"
