"""The inside half of testbed.relay: run by a container's own python3 (standard library
only; relay.py sends this file's source with `podman exec -i ... python3 -u -c`).

It listens on 127.0.0.1:PORT inside the container (the port is its one argument) and
speaks frames with the outside half over its stdin and stdout: kind (1 byte: R ready,
O open, D data, C close), connection id (4 bytes), length (4 bytes), payload.
"""

import contextlib
import socket
import struct
import sys
import threading
from collections.abc import Callable

HEADER = struct.Struct(">cII")


class Connections:
    """One half's open connections by id. A connection ends in both directions, each
    noted once (its pump read the end of what its socket sends; the other half's close
    frame arrived); then its socket is closed, so a relay that lives for many
    connections holds no socket of one that ended. Both halves use it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sockets: dict[int, socket.socket] = {}
        self.ended: dict[int, int] = {}

    def add(self, cid: int, conn: socket.socket) -> None:
        with self.lock:
            self.sockets[cid] = conn

    def get(self, cid: int) -> socket.socket | None:
        with self.lock:
            return self.sockets.get(cid)

    def end_direction(self, cid: int) -> None:
        with self.lock:
            ended = self.ended.get(cid, 0) + 1
            if ended < 2:
                self.ended[cid] = ended
                return
            self.ended.pop(cid, None)
            conn = self.sockets.pop(cid, None)
        if conn is not None:
            conn.close()

    def close_all(self) -> None:
        with self.lock:
            sockets, self.sockets, self.ended = list(self.sockets.values()), {}, {}
        for conn in sockets:
            conn.close()


def pump(cid: int, conn: socket.socket, send: Callable[..., None], conns: Connections) -> None:
    """What `conn` receives goes to send() as data frames of `cid`, then a close frame.
    Both halves run it, one thread per connection."""
    while True:
        try:
            data = conn.recv(65536)
        except OSError:
            data = b""
        if not data:
            send(b"C", cid)
            conns.end_direction(cid)
            return
        send(b"D", cid, data)


def close_frame(conns: Connections, cid: int) -> None:
    """The other half's close frame: nothing more comes for `cid`; its socket is told."""
    conn = conns.get(cid)
    if conn is None:
        return
    with contextlib.suppress(OSError):
        conn.shutdown(socket.SHUT_WR)
    conns.end_direction(cid)


class Inside:
    def __init__(self, port: int) -> None:
        self.out = sys.stdout.buffer
        self.lock = threading.Lock()
        self.conns = Connections()
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", port))
        self.listener.listen(16)

    def send(self, kind: bytes, cid: int, data: bytes = b"") -> None:
        # One lock: each connection's pump writes its frames from its own thread.
        with self.lock:
            self.out.write(HEADER.pack(kind, cid, len(data)) + data)
            self.out.flush()

    def accept(self) -> None:
        cid = 0
        while True:
            conn, _ = self.listener.accept()
            cid += 1
            self.conns.add(cid, conn)
            self.send(b"O", cid)
            threading.Thread(
                target=pump, args=(cid, conn, self.send, self.conns), daemon=True
            ).start()

    def serve(self) -> None:
        """Frames from outside go to their connection; ends when the outside half does."""
        threading.Thread(target=self.accept, daemon=True).start()
        self.send(b"R", 0)
        stdin = sys.stdin.buffer
        while True:
            header = stdin.read(HEADER.size)
            if len(header) < HEADER.size:
                return
            kind, cid, size = HEADER.unpack(header)
            data = stdin.read(size) if size else b""
            if kind == b"C":
                close_frame(self.conns, cid)
                continue
            conn = self.conns.get(cid)
            if conn is not None and kind == b"D":
                with contextlib.suppress(OSError):
                    conn.sendall(data)


if __name__ == "__main__":
    Inside(int(sys.argv[1])).serve()
