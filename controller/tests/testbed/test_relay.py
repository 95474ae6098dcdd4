"""The exec relay: a container with nothing but loopback reaches a server on this
machine through the pipes of one `podman exec`, and no longer once the relay stops."""

import os
import socket
import socketserver
import threading
import uuid

import pytest
from unibos_controller.testbed.containers import BASE_IMAGE, podman
from unibos_controller.testbed.relay import ExecRelay
from unibos_controller.testbed.waiting import wait_until

INSIDE_PORT = 18080
# A client inside the container: sends its argument, prints what comes back, or the
# error's name when the connection is refused.
CLIENT = """
import socket, sys
try:
    with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10) as conn:
        conn.sendall(sys.argv[2].encode())
        conn.shutdown(socket.SHUT_WR)
        print(conn.makefile("rb").read().decode())
except OSError as error:
    print(type(error).__name__)
"""


# Inside the container: COUNT connections one after another, each closed when answered.
MANY_CLIENTS = """
import socket, sys
for number in range(int(sys.argv[2])):
    with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10) as conn:
        conn.sendall(b"x")
        conn.shutdown(socket.SHUT_WR)
        assert conn.makefile("rb").read() == b"X"
"""
# Inside the container: the sockets the relay's inside half holds open.
INSIDE_SOCKETS = """
import os
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        cmdline = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\\0")
    except OSError:
        continue
    if b"python3" in cmdline[0] and b"-u" in cmdline:
        fds = os.listdir(f"/proc/{pid}/fd")
        print(sum(os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:") for fd in fds))
"""


class Upper(socketserver.StreamRequestHandler):
    def handle(self):
        self.wfile.write(self.rfile.read().upper())


@pytest.fixture
def server():
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), Upper) as tcp:
        threading.Thread(target=tcp.serve_forever, daemon=True).start()
        yield tcp.server_address[1]
        tcp.shutdown()


@pytest.fixture
def isolated():
    """A container of the base image with `--network none` (no systemd needed)."""
    name = f"unibos-relay-test-{uuid.uuid4().hex[:6]}"
    podman(
        "run", "-d", "--name", name, "--network", "none",
        "--ulimit", "nofile=4096:4096", "--ulimit", "nproc=4096:4096",
        BASE_IMAGE, "sleep", "infinity",
    )  # fmt: skip
    yield name
    podman("rm", "-f", "-t", "0", name, check=False)


def inside(container, text):
    return podman("exec", container, "python3", "-c", CLIENT, str(INSIDE_PORT), text).stdout.strip()


def test_a_container_with_only_loopback_reaches_a_server_here_through_the_relay(server, isolated):
    interfaces = podman("exec", isolated, "ls", "/sys/class/net").stdout.split()
    assert interfaces == ["lo"]
    relay = ExecRelay(isolated, INSIDE_PORT, server)
    relay.start()
    try:
        assert inside(isolated, "hello") == "HELLO"
        # Each connection is its own: a second one after the first has closed.
        assert inside(isolated, "again") == "AGAIN"
    finally:
        relay.stop()
    assert inside(isolated, "gone") == "ConnectionRefusedError"


def test_a_relay_to_a_port_where_nothing_listens_closes_the_connection_inside(isolated):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]
    relay = ExecRelay(isolated, INSIDE_PORT, free_port)
    relay.start()
    try:
        assert inside(isolated, "nobody") == ""
    finally:
        relay.stop()


def sockets_here() -> int:
    return sum(
        os.readlink(f"/proc/self/fd/{fd}").startswith("socket:")
        for fd in os.listdir("/proc/self/fd")
        if os.path.exists(f"/proc/self/fd/{fd}")
    )


def test_a_relay_that_served_many_connections_holds_no_socket_of_them(server, isolated):
    relay = ExecRelay(isolated, INSIDE_PORT, server)
    relay.start()
    try:
        before = sockets_here()
        podman("exec", isolated, "python3", "-c", MANY_CLIENTS, str(INSIDE_PORT), "200")
        # Inside: the listener alone. Here: no more sockets than before the connections.
        wait_until(
            lambda: (
                podman("exec", isolated, "python3", "-c", INSIDE_SOCKETS).stdout.split() == ["1"]
            ),
            10,
            "the relay's inside half to close the sockets of ended connections",
        )
        wait_until(lambda: sockets_here() <= before, 10, "the relay to close its sockets here")
    finally:
        relay.stop()
