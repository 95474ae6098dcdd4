"""Real PostgreSQL and Redis servers for the test session, in a temporary directory."""

import os
import secrets
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import redis

POSTGRESQL_BIN = Path("/usr/lib/postgresql/15/bin")
START_TIMEOUT_SECONDS = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _postgresql_tool(name: str) -> str:
    candidate = POSTGRESQL_BIN / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(f"{name} not found in {POSTGRESQL_BIN} or PATH; install postgresql")
    return found


@dataclass
class PostgreSQL:
    directory: Path
    port: int
    user: str = "unibos"
    password: str = ""
    # initdb and postgres refuse to run as root; the Debian package's user will do.
    run_as: str | None = "postgres" if os.geteuid() == 0 else None

    def _run(self, *command: str) -> None:
        subprocess.run(command, check=True, capture_output=True, user=self.run_as)

    def start(self) -> None:
        self.password = secrets.token_urlsafe(16)
        self.directory.mkdir(mode=0o700)
        password_file = self.directory / "pwfile"
        password_file.write_text(self.password)
        if self.run_as:
            shutil.chown(self.directory, self.run_as)
            shutil.chown(password_file, self.run_as)
        data = self.directory / "data"
        self._run(
            _postgresql_tool("initdb"), "-D", str(data), "-U", self.user,
            f"--pwfile={password_file}", "--auth=scram-sha-256", "--encoding=UTF8",
            "--no-sync",
        )  # fmt: skip
        options = f"-p {self.port} -h 127.0.0.1 -k {self.directory} -c fsync=off"
        self._run(
            _postgresql_tool("pg_ctl"), "-D", str(data), "-l", str(self.directory / "log"),
            "-o", options, "-w", "-t", str(START_TIMEOUT_SECONDS), "start",
        )  # fmt: skip

    def stop(self) -> None:
        self._run(
            _postgresql_tool("pg_ctl"), "-D", str(self.directory / "data"), "-m", "immediate",
            "stop",
        )  # fmt: skip


@dataclass
class Redis:
    directory: Path
    port: int
    # Characters that break an unquoted redis:// URL, so the app must quote.
    password: str = "t3st/p@ss:w%rd"
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.directory.mkdir()
        config = self.directory / "redis.conf"
        config.write_text(
            f'port {self.port}\nbind 127.0.0.1\nrequirepass "{self.password}"\n'
            f'dir "{self.directory}"\nsave ""\nappendonly no\n'
        )
        self.process = subprocess.Popen(
            ["redis-server", str(config)],
            stdout=(self.directory / "log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        client = self.client()
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError as error:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(
                        f"redis-server did not start; see {self.directory}/log"
                    ) from error
                time.sleep(0.05)

    def client(self, db: int = 0) -> redis.Redis:
        return redis.Redis(
            host="127.0.0.1", port=self.port, db=db, password=self.password, decode_responses=True
        )

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
