"""A TCP relay into a container that has no network (`podman run --network none`), over
the pipes of one `podman exec -i`: inside, a listener on the container's loopback takes
connections; outside, each becomes a connection to a port on this machine. Nothing is
routed and no interface is added: the container keeps nothing but loopback, and the
relay ends with the exec (stop()), which is how a test takes the far end away.

The inside half is relay_inside.py, run by the container's own python3; the two halves
speak frames over the exec's stdin and stdout: kind (1 byte: O open, D data, C close),
connection id (4 bytes), length (4 bytes), payload.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import threading
from pathlib import Path
from typing import IO

from unibos_controller.testbed.relay_inside import HEADER, Connections, close_frame, pump

# The inside half, run by the container's python3 (stdlib only): its source is sent
# with the exec, so the container needs nothing installed.
INSIDE = Path(__file__).with_name("relay_inside.py")


def _read_exactly(stream: IO[bytes], size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = stream.read(size - len(data))
        if not chunk:
            return b""
        data += chunk
    return data


class ExecRelay:
    """Connections to 127.0.0.1:`inside_port` in `container` reach 127.0.0.1:`port` here."""

    def __init__(self, container: str, inside_port: int, port: int) -> None:
        self.container, self.inside_port, self.port = container, inside_port, port
        self.process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._conns = Connections()
        self._ready = threading.Event()

    def start(self, timeout: float = 60.0) -> None:
        self.process = subprocess.Popen(
            ["podman", "exec", "-i", self.container, "python3", "-u", "-c", INSIDE.read_text(),
             str(self.inside_port)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        threading.Thread(target=self._from_inside, name="relay-in", daemon=True).start()
        if not self._ready.wait(timeout):
            self.stop()
            raise RuntimeError(
                f"the relay into {self.container} did not listen on {self.inside_port} "
                f"within {timeout:.0f} s"
            )

    def _send(self, kind: bytes, cid: int, data: bytes = b"") -> None:
        assert self.process and self.process.stdin
        with self._lock:
            try:
                self.process.stdin.write(HEADER.pack(kind, cid, len(data)) + data)
                self.process.stdin.flush()
            except (BrokenPipeError, ValueError):
                pass

    def _from_inside(self) -> None:
        assert self.process and self.process.stdout
        stream = self.process.stdout
        while True:
            header = _read_exactly(stream, HEADER.size)
            if not header:
                break
            kind, cid, size = HEADER.unpack(header)
            data = _read_exactly(stream, size) if size else b""
            if kind == b"R":
                self._ready.set()
            elif kind == b"O":
                try:
                    conn = socket.create_connection(("127.0.0.1", self.port), timeout=10)
                    conn.settimeout(None)
                except OSError:
                    self._send(b"C", cid)
                    continue
                self._conns.add(cid, conn)
                threading.Thread(
                    target=pump, args=(cid, conn, self._send, self._conns), daemon=True
                ).start()
            elif kind == b"D" and (conn := self._conns.get(cid)) is not None:
                with contextlib.suppress(OSError):
                    conn.sendall(data)
            elif kind == b"C":
                close_frame(self._conns, cid)
        self._conns.close_all()

    def stop(self) -> None:
        """Ends the exec: the listener inside is gone, and with it the way out."""
        if self.process is None:
            return
        if self.process.stdin:
            with contextlib.suppress(OSError):
                self.process.stdin.close()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
