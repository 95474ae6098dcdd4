"""The node's state directory (UNIBOS_NODE_STATE_DIR) and its files.

`identity.json` says who the node is (its presence is what "enrolled" means),
`credential` is its secret towards the hub, `jwks.json` the cached hub keys, `contact.json`
when the hub last answered, `node_key.pem` the node's own signing key. Every file is
written whole to a temporary file and renamed into place, so a reader (another gunicorn
worker, `unibos status`) never sees half of one and a power cut leaves the old version
or the new one.
"""

import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

IDENTITY = "identity.json"
CREDENTIAL = "credential"
JWKS = "jwks.json"
CONTACT = "contact.json"
NODE_KEY = "node_key.pem"

# The secrets: only the node's own user may read them.
PRIVATE = 0o600
PUBLIC = 0o644


class NotEnrolled(Exception):
    def __init__(self) -> None:
        super().__init__("this node is not enrolled; run: unibos enrol --hub URL --token TOKEN")


class BrokenState(Exception):
    """A state file exists but cannot be read or makes no sense; the message names it."""


@dataclass(frozen=True)
class Identity:
    node_id: str
    name: str
    # {"id", "slug", "name"} as the hub gave it at enrolment.
    organization: dict[str, Any]
    # The `iss` of the hub's tokens.
    issuer: str
    hub_url: str
    enrolled_at: str

    @property
    def organization_id(self) -> int:
        return int(self.organization["id"])


class StateDir:
    def __init__(self, path: Path) -> None:
        self.path = path

    def file(self, name: str) -> Path:
        return self.path / name

    def identity(self) -> Identity:
        document = self.read_json(IDENTITY)
        if document is None:
            raise NotEnrolled()
        try:
            return Identity(**document)
        except TypeError as error:
            raise BrokenState(f"{self.file(IDENTITY)} is not a node identity: {error}") from None

    def credential(self) -> str:
        try:
            return self.file(CREDENTIAL).read_text(encoding="ascii").strip()
        except OSError as error:
            raise BrokenState(f"cannot read {self.file(CREDENTIAL)}: {error.strerror}") from None

    def enrol(self, identity: Identity, credential: str) -> None:
        """Record a new enrolment, replacing an earlier one."""
        # The credential first: identity.json is what makes the node enrolled.
        self.write(CREDENTIAL, credential.encode("ascii"), PRIVATE)
        self.write_json(IDENTITY, asdict(identity))
        # What the earlier enrolment learnt about its hub says nothing about this one.
        for name in (JWKS, CONTACT):
            self.file(name).unlink(missing_ok=True)

    def read_json(self, name: str) -> dict[str, Any] | None:
        """The document in `name`, or None when the file does not exist."""
        try:
            text = self.file(name).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as error:
            raise BrokenState(f"cannot read {self.file(name)}: {error.strerror}") from None
        try:
            document = json.loads(text)
        except ValueError as error:
            raise BrokenState(f"{self.file(name)} is not JSON: {error}") from None
        if not isinstance(document, dict):
            raise BrokenState(f"{self.file(name)} is not a JSON object")
        return document

    def write_json(self, name: str, document: dict[str, Any]) -> None:
        self.write(name, json.dumps(document, indent=2).encode("utf-8") + b"\n", PUBLIC)

    def write(self, name: str, content: bytes, mode: int) -> None:
        temporary = self._temporary(name, content, mode)
        os.replace(temporary, self.file(name))

    def create(self, name: str, content: bytes, mode: int) -> bool:
        """Write `name` unless it exists; False when another process was first.

        A link never replaces a file, so two processes that both find the file missing
        cannot each believe their own version is the one on disk.
        """
        temporary = self._temporary(name, content, mode)
        try:
            os.link(temporary, self.file(name))
        except FileExistsError:
            return False
        finally:
            temporary.unlink()
        return True

    def _temporary(self, name: str, content: bytes, mode: int) -> Path:
        self.path.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=self.path, prefix=f".{name}.")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                os.fchmod(handle.fileno(), mode)
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
        except BaseException:
            os.unlink(temporary)
            raise
        return Path(temporary)
