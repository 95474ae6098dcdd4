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


def pump(cid: int, conn: socket.socket, send: Callable[..., None]) -> None:
    """What `conn` receives goes to send() as data frames of `cid`, then a close frame.
    Both halves run it, one thread per connection."""
    while True:
        try:
            data = conn.recv(65536)
        except OSError:
            data = b""
        if not data:
            send(b"C", cid)
            return
        send(b"D", cid, data)


class Inside:
    def __init__(self, port: int) -> None:
        self.out = sys.stdout.buffer
        self.lock = threading.Lock()
        self.conns: dict[int, socket.socket] = {}
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
            self.conns[cid] = conn
            self.send(b"O", cid)
            threading.Thread(target=pump, args=(cid, conn, self.send), daemon=True).start()

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
            conn = self.conns.get(cid)
            if conn is None:
                continue
            with contextlib.suppress(OSError):
                if kind == b"D":
                    conn.sendall(data)
                elif kind == b"C":
                    conn.shutdown(socket.SHUT_WR)


if __name__ == "__main__":
    Inside(int(sys.argv[1])).serve()
