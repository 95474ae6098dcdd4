"""The Debian packages a bundle carries, so that its host installs them with no network:
each bundle target's list (`unibos_bundle_debian_packages` of roles/unibos, the one place
the roles read too), resolved with every dependency for the bundle's architecture and
Debian 12 (bookworm), and downloaded once per list and architecture.

apt does both, on the controller, for any architecture, in a private state directory
(its own sources, package lists, dpkg status and cache; the controller's own apt state is
not touched): `apt-get update`, then `apt-get --simulate install` against the status of a
minimal bookworm base gives the closure, and `apt-get download NAME=VERSION` fetches it,
checking each file against the signed index. The base is what every Debian 12 host has:
the packages of priority `required`, apt, and python3 (Ansible's own need), with their
dependencies; everything else a target's packages need is in the bundle. A host skips
the ones it has installed already (common role).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import yaml

from unibos_controller.bundles import wheels
from unibos_controller.bundles.source import Commit

SUITE = "bookworm"
MIRROR = os.environ.get("UNIBOS_DEBIAN_MIRROR", "http://deb.debian.org/debian")
SECURITY_MIRROR = os.environ.get(
    "UNIBOS_DEBIAN_SECURITY_MIRROR", "http://deb.debian.org/debian-security"
)
KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"
# Besides the packages of priority required: what a host has before Ansible reaches it.
BASE = ["apt", "python3"]
# The roles' shared facts, which name each target's Debian packages.
SHARED_FACTS = "roles/unibos/defaults/main.yml"
LIST_VARIABLE = "unibos_bundle_debian_packages"
# What the cache directory of a resolved set holds besides the .debs.
LOCK = "debs.json"
# The bundle's directory of them.
DEBS_DIR = "debs"

INSTALLED = re.compile(r"^Inst (\S+) (?:\[[^\]]*\] )?\((\S+) ", re.MULTILINE)


class DebError(Exception):
    """apt could not resolve or fetch a target's packages; the message ends with apt's."""


def target_packages(commit: Commit) -> dict[str, list[str]]:
    """The Debian packages of each bundle target, as roles/unibos of `commit` names them
    (templated by Ansible's Templar with the roles' defaults, as a play would)."""
    # Ansible only on the controller, and only here.
    from ansible.parsing.dataloader import DataLoader  # noqa: PLC0415
    from ansible.template import Templar, trust_as_template  # noqa: PLC0415

    def trusted(value: object) -> object:
        # A role's own defaults are templates Ansible trusts, nested ones included.
        if isinstance(value, str):
            return trust_as_template(value)
        if isinstance(value, dict):
            return {key: trusted(item) for key, item in value.items()}
        if isinstance(value, list):
            return [trusted(item) for item in value]
        return value

    defaults = yaml.safe_load(commit.show(SHARED_FACTS))
    templar = Templar(loader=DataLoader(), variables=trusted(defaults))
    lists = templar.template(trust_as_template("{{ " + LIST_VARIABLE + " }}"))
    return {target: sorted(set(packages)) for target, packages in lists.items()}


def _sources(arch: str) -> str:
    options = f"[arch={arch} signed-by={KEYRING}]"
    return (
        f"deb {options} {MIRROR} {SUITE} main\n"
        f"deb {options} {MIRROR} {SUITE}-updates main\n"
        f"deb {options} {SECURITY_MIRROR} {SUITE}-security main\n"
    )


class PrivateApt:
    """apt-get for `arch` in `root`: sources, lists, status and cache of its own."""

    def __init__(self, root: Path, arch: str) -> None:
        self.root, self.arch = root, arch
        for directory in ("etc/sources.list.d", "etc/preferences.d", "etc/apt.conf.d",
                          "state/lists/partial", "cache/archives/partial"):  # fmt: skip
            (root / directory).mkdir(parents=True, exist_ok=True)
        (root / "etc/sources.list").write_text(_sources(arch))
        self.status = root / "status"
        self.status.touch()
        # Read before the command line's options: nothing of the controller's own apt
        # configuration (its apt.conf.d, proxies aside) decides what is resolved.
        (root / "apt.conf").write_text(
            f'Dir::Etc "{root}/etc";\n'
            f'Dir::Etc::SourceList "{root}/etc/sources.list";\n'
            f'Dir::Etc::SourceParts "{root}/etc/sources.list.d";\n'
            f'Dir::Etc::Parts "{root}/etc/apt.conf.d";\n'
            f'Dir::Etc::PreferencesParts "{root}/etc/preferences.d";\n'
            f'Dir::State "{root}/state";\n'
            f'Dir::State::status "{self.status}";\n'
            f'Dir::Cache "{root}/cache";\n'
            f'APT::Architecture "{arch}";\n'
            f'APT::Architectures {{ "{arch}"; }};\n'
            'Acquire::Languages "none";\n'
            'APT::Install-Recommends "false";\n'
            'Debug::NoLocking "true";\n'
        )

    def run(self, *args: str, cwd: Path | None = None) -> str:
        result = subprocess.run(
            ["apt-get", "-q", *args],
            capture_output=True,
            text=True,
            cwd=cwd,
            env={**os.environ, "APT_CONFIG": str(self.root / "apt.conf"), "LC_ALL": "C"},
            check=False,
        )
        if result.returncode != 0:
            last = "\n".join((result.stderr or result.stdout).strip().splitlines()[-15:])
            raise DebError(f"apt-get {args[0]} ({self.arch}) failed:\n{last}")
        return result.stdout

    def stanzas(self) -> dict[str, dict[str, str]]:
        """Each package's newest stanza of the downloaded indexes (as apt's candidate)."""
        newest: dict[str, dict[str, str]] = {}
        for index in sorted((self.root / "state/lists").glob("*_Packages")):
            for block in index.read_text(errors="replace").split("\n\n"):
                fields = _fields(block)
                name = fields.get("Package")
                if not name:
                    continue
                known = newest.get(name)
                if known is None or _newer(fields["Version"], known["Version"]):
                    newest[name] = fields | {"_text": block.strip("\n")}
        return newest

    def closure(self, packages: list[str]) -> list[tuple[str, str]]:
        """(name, version) of every package that `packages` add to the status."""
        output = self.run("--simulate", "install", *packages)
        return INSTALLED.findall(output)

    def mark_installed(self, stanzas: list[dict[str, str]]) -> None:
        with self.status.open("a") as status:
            for fields in stanzas:
                text = re.sub(r"^Status: .*\n?", "", fields["_text"], flags=re.MULTILINE)
                status.write(f"{text}\nStatus: install ok installed\n\n")


def _fields(block: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in block.splitlines():
        if line and not line[0].isspace() and ":" in line:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    return fields


def _newer(version: str, than: str) -> bool:
    return (
        subprocess.run(["dpkg", "--compare-versions", version, "gt", than], check=False).returncode
        == 0
    )


def resolve(arch: str, packages: list[str], into: Path) -> list[dict[str, str]]:
    """Downloads `packages` and their dependencies for `arch` into `into`; the lock:
    each .deb's package, version, architecture, file and sha256, by name."""
    with tempfile.TemporaryDirectory(prefix="unibos-dev-apt-") as scratch:
        apt = PrivateApt(Path(scratch), arch)
        apt.run("update")
        stanzas = apt.stanzas()
        missing = sorted(set(packages) - set(stanzas))
        if missing:
            raise DebError(f"Debian {SUITE} ({arch}) has no package {', '.join(missing)}")
        # The minimal base: priority required, apt and python3, with their dependencies.
        required = [
            name for name, fields in stanzas.items() if fields.get("Priority") == "required"
        ]
        apt.mark_installed([stanzas[name] for name, _version in apt.closure(required + BASE)])
        closure = apt.closure(packages)
        apt.run("download", *(f"{name}={version}" for name, version in closure), cwd=into)
    lock = []
    for name, version in sorted(closure):
        (deb,) = [
            path
            for path in into.glob(f"{name}_*.deb")
            if path.name.split("_")[1].replace("%3a", ":") == version
        ]
        lock.append(
            {
                "package": name,
                "version": version,
                "architecture": deb.name.rsplit("_", 1)[1].removesuffix(".deb"),
                "file": deb.name,
                "sha256": archive_sha256(deb),
            }
        )
    return lock


def archive_sha256(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def debs(arch: str, packages: list[str]) -> tuple[Path, list[dict[str, str]]]:
    """The directory of the .debs of `packages` for `arch` and their lock, resolved and
    downloaded once per list and architecture (~/.cache/unibos-dev/debs/<arch>/), then
    taken from there: two builds of one commit carry the same files."""
    wanted = sorted(set(packages))
    digest = hashlib.sha256(
        json.dumps({"suite": SUITE, "base": BASE, "packages": wanted}).encode()
    ).hexdigest()[:16]
    directory = wheels.cache_root() / "debs" / arch / f"{SUITE}-{digest}"
    if not (directory / LOCK).is_file():
        partial = directory.with_name(directory.name + ".tmp")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        lock = resolve(arch, wanted, partial)
        (partial / LOCK).write_text(
            json.dumps({"suite": SUITE, "packages": wanted, "debs": lock}, indent=2) + "\n"
        )
        shutil.rmtree(directory, ignore_errors=True)
        # Renamed only once complete: an interrupted download is never taken for a set.
        partial.rename(directory)
    lock = json.loads((directory / LOCK).read_text())["debs"]
    return directory, lock
