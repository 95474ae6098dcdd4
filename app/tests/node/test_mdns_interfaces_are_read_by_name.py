"""The interfaces the role names (UNIBOS_MDNS_INTERFACES) are read as their IPv4
addresses, without netlink (the units' sandbox forbids it); a name with none is logged
and left out, so a node whose LAN is down looks for no peers rather than failing."""

import logging

from unibos.node.peers.discovery import interface_addresses


def test_an_interface_is_its_ipv4_address():
    assert interface_addresses(["lo"]) == ["127.0.0.1"]


def test_an_interface_that_does_not_exist_is_logged_and_left_out(caplog):
    caplog.set_level(logging.WARNING, logger="unibos.peers")

    assert interface_addresses(["no-such-if0", "lo"]) == ["127.0.0.1"]
    assert (
        caplog.records[0]
        .getMessage()
        .startswith("mDNS interface no-such-if0 has no IPv4 address (")
    )
