"""mDNS with python-zeroconf: announce this node as `_unibos._tcp.local.` and browse for
the others, on the interfaces the role chose (UNIBOS_MDNS_INTERFACES).

The TXT record says who the node is: `node_id`, `org` (organization id), `port` (its
API's), `version`, `name`. The announcement is only a hint: a peer counts once it
answers the heartbeat with a token that verifies (unibos.node.peers.watch).
"""

import fcntl
import logging
import re
import socket
import struct
import uuid
from collections.abc import Callable, Sequence

from zeroconf import IPVersion, ServiceBrowser, ServiceInfo, ServiceStateChange, Zeroconf

from unibos.node.peers.table import Announcement
from unibos.node.state import Identity

SERVICE = "_unibos._tcp.local."
# The ioctl that reads an interface's IPv4 address (linux/sockios.h).
SIOCGIFADDR = 0x8915
# The name's part of a DNS label: 63 bytes at most, with `-` and 8 of the id after it.
MAX_LABEL = 40
# How long a browse callback waits for a peer's address and TXT it lacks, in ms.
RESOLVE_MS = 1000

log = logging.getLogger("unibos.peers")


def interface_addresses(names: Sequence[str]) -> list[str]:
    """The IPv4 address of each named interface; one with none (or no such interface)
    is logged and left out.

    Asked of the kernel with SIOCGIFADDR on a UDP socket, not by listing every adapter
    over netlink (ifaddr): the units' sandbox allows AF_UNIX, AF_INET and AF_INET6 only.
    """
    addresses = []
    for name in names:
        try:
            addresses.append(_ipv4_address(name))
        except OSError as error:
            log.warning("mDNS interface %s has no IPv4 address (%s); not using it", name, error)
    return addresses


def _ipv4_address(name: str) -> str:
    request = struct.pack("256s", name.encode("utf-8")[:15])
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        answer = fcntl.ioctl(probe.fileno(), SIOCGIFADDR, request)
    # struct ifreq: the name (16 bytes), then a sockaddr_in: family, port, address.
    return socket.inet_ntoa(answer[20:24])


def announcement(info: ServiceInfo) -> Announcement | None:
    """The peer a service describes; None for a record that is not a UNIBOS node's."""
    txt = {
        key.decode("utf-8", "replace"): (value or b"").decode("utf-8", "replace")
        for key, value in info.properties.items()
    }
    addresses = info.parsed_addresses(IPVersion.V4Only)
    try:
        node_id = str(uuid.UUID(txt["node_id"]))
        organization, port = int(txt["org"]), int(txt["port"])
    except (KeyError, ValueError):
        return None
    if not addresses or not 0 < port < 65536:
        return None
    return Announcement(
        node_id=node_id,
        name=txt.get("name") or node_id,
        address=addresses[0],
        port=port,
        organization=organization,
        version=txt.get("version", ""),
        host=(info.server or "").rstrip(".") or addresses[0],
    )


class Discovery:
    """Announces this node and reports the others' services appearing and leaving.

    `on_announced(Announcement)` and `on_withdrawn(node_id)` run in zeroconf's browser
    thread. `stop` says goodbye (the peers mark this node gone at once).
    """

    def __init__(
        self,
        identity: Identity,
        port: int,
        version: str,
        addresses: Sequence[str],
        *,
        on_announced: Callable[[Announcement], object],
        on_withdrawn: Callable[[str], object],
    ) -> None:
        self.identity, self.port, self.version = identity, port, version
        self.addresses = list(addresses)
        self.on_announced, self.on_withdrawn = on_announced, on_withdrawn
        self._zeroconf: Zeroconf | None = None
        self._browser: ServiceBrowser | None = None
        # Service name -> node id, for a withdrawal (it carries the name only).
        self._names: dict[str, str] = {}

    @property
    def instance(self) -> str:
        """`<name>-<first 8 of the node id>`, the name as a DNS label (the TXT record
        keeps it as it is): it is also the host name peers send as Host, which Django
        checks against [a-z0-9.-]. The node id keeps two nodes of one name apart."""
        label = re.sub(r"[^a-z0-9-]+", "-", self.identity.name.lower()).strip("-")
        return f"{label[:MAX_LABEL] or 'node'}-{self.identity.node_id[:8]}"

    @property
    def service_name(self) -> str:
        return f"{self.instance}.{SERVICE}"

    def start(self) -> None:
        zeroconf = Zeroconf(interfaces=self.addresses, ip_version=IPVersion.V4Only)
        self._zeroconf = zeroconf
        zeroconf.register_service(
            ServiceInfo(
                SERVICE,
                self.service_name,
                addresses=[socket.inet_aton(address) for address in self.addresses],
                port=self.port,
                server=f"{self.instance}.local.",
                properties={
                    "node_id": self.identity.node_id,
                    "org": str(self.identity.organization_id),
                    "port": str(self.port),
                    "version": self.version,
                    "name": self.identity.name,
                },
            )
        )
        self._browser = ServiceBrowser(zeroconf, SERVICE, handlers=[self._changed])

    def stop(self) -> None:
        if self._browser is not None:
            self._browser.cancel()
        if self._zeroconf is not None:
            # Unregisters this node's service first: its goodbye.
            self._zeroconf.close()

    def _changed(
        self,
        zeroconf: Zeroconf,
        service_type: str,
        name: str,
        state_change: ServiceStateChange,
    ) -> None:
        if name == self.service_name:
            return
        if state_change is ServiceStateChange.Removed:
            node_id = self._names.pop(name, None)
            if node_id is not None:
                self.on_withdrawn(node_id)
            return
        info = zeroconf.get_service_info(service_type, name, timeout=RESOLVE_MS)
        found = announcement(info) if info is not None else None
        if found is None or found.node_id == self.identity.node_id:
            return
        self._names[name] = found.node_id
        self.on_announced(found)
