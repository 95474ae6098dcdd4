"""An Ansible inventory as the manager reads it: its hosts, its groups, and which hosts a
`--limit` pattern selects, resolved with Ansible's own InventoryManager so that a pattern
means here exactly what it means to ansible-playbook (groups, globs, `a:b`, `a:&b`, `a:!b`,
regular expressions)."""

from __future__ import annotations

from pathlib import Path

from ansible.inventory.manager import InventoryManager
from ansible.parsing.dataloader import DataLoader


class InventoryError(Exception):
    """The inventory cannot be read, or a pattern/group/host is not in it."""


class Inventory:
    def __init__(self, path: Path) -> None:
        if not path.exists():
            raise InventoryError(f"no inventory at {path}")
        self.path = path
        self._manager = InventoryManager(loader=DataLoader(), sources=[str(path)])
        if not self._manager.hosts and not self._manager.list_hosts("all"):
            raise InventoryError(f"the inventory {path} has no hosts")

    @property
    def hosts(self) -> list[str]:
        return sorted(host.name for host in self._manager.list_hosts("all"))

    @property
    def groups(self) -> list[str]:
        return sorted(name for name in self._manager.groups if name not in ("all", "ungrouped"))

    def group(self, name: str) -> list[str]:
        """The hosts of group `name`; InventoryError when the inventory has no such group."""
        if name not in self._manager.groups:
            raise InventoryError(
                f"the inventory {self.path} has no group {name!r} "
                f"(groups: {', '.join(self.groups)})"
            )
        return sorted(host.name for host in self._manager.groups[name].get_hosts())

    def resolve(self, pattern: str) -> list[str]:
        """The hosts `--limit pattern` selects; InventoryError naming it when none."""
        hosts = sorted(host.name for host in self._manager.get_hosts(pattern=pattern))
        if not hosts:
            raise InventoryError(f"--limit {pattern!r} matches no host of {self.path}")
        return hosts

    def require_host(self, name: str) -> str:
        if name not in self.hosts:
            raise InventoryError(f"{name} is not a host of the inventory {self.path}")
        return name
