"""Pure merging of synced records, the same code on the hub and on every node.

A record is a dict of cells, one per field: the value, the HLC string of the write
that set it (it ends with the writer's node id, so comparing HLC strings compares
`(hlc, node_id)`), and the value that write had seen (its `base`). The higher HLC
wins a field on every replica whatever the order operations arrive in. Two writes
that had not seen each other are a conflict: the loser is kept in a Conflict, unless
both are text from the same base that merge cleanly line by line. A document field
(unibos.sync.documents) is never a conflict: both sides' edits are joined.
"""

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from unibos.sync import documents

# A deleted record is a tombstone field, so that a delete and a later put order by HLC
# like any other write.
DELETED = "_deleted"
# The base of a field the writer had not seen at all.
UNSEEN: dict[str, Any] = {"unseen": True}


@dataclass(frozen=True)
class Cell:
    value: Any
    hlc: str
    base: Any = None


@dataclass(frozen=True)
class Conflict:
    field: str
    winner: Cell
    loser: Cell


Record = dict[str, Cell]


def merge_records(left: Record, right: Record) -> Record:
    """The join of two replicas of a record: each field's highest-HLC cell, or for a
    document both sides' edits."""
    merged = dict(left)
    for field, cell in right.items():
        if field not in merged:
            merged[field] = cell
        elif _documents(merged[field], cell):
            merged[field] = _joined(merged[field], cell)
        elif cell.hlc > merged[field].hlc:
            merged[field] = cell
    return merged


def _documents(current: Cell, incoming: Cell) -> bool:
    return documents.is_document(current.value) and documents.is_document(incoming.value)


def _joined(current: Cell, incoming: Cell) -> Cell:
    newer = incoming if incoming.hlc > current.hlc else current
    return Cell(documents.join(current.value, incoming.value), newer.hlc, newer.base)


def merge_cell(field: str, current: Cell, incoming: Cell) -> tuple[Cell, Conflict | None]:
    """The cell a field holds once `incoming` meets `current`, whichever came first."""
    if current.hlc == incoming.hlc:
        return current, None
    if _documents(current, incoming):
        return _joined(current, incoming), None
    newer, older = (incoming, current) if incoming.hlc > current.hlc else (current, incoming)
    if older.value in (newer.value, newer.base):
        # The newer write had seen the older value: an ordinary overwrite.
        return newer, None
    if (
        isinstance(newer.value, str)
        and isinstance(older.value, str)
        and isinstance(newer.base, str)
        and newer.base == older.base
    ):
        merged = merge_text(newer.base, newer.value, older.value)
        if merged is not None:
            return Cell(merged, newer.hlc, newer.base), None
    return newer, Conflict(field, newer, older)


def apply_fields(record: Record, writes: Record) -> tuple[Record, list[Conflict]]:
    """`record` with the cells of one operation merged in, and the conflicts found."""
    merged = dict(record)
    conflicts = []
    for field, cell in writes.items():
        if field not in merged:
            merged[field] = cell
            continue
        merged[field], conflict = merge_cell(field, merged[field], cell)
        if conflict is not None:
            conflicts.append(conflict)
    return merged, conflicts


def operation_cells(operation: dict[str, Any]) -> Record:
    """The cells one wire-format operation writes (unibos.sync.batch checked its shape)."""
    hlc, base = operation["hlc"], operation["base"]
    if operation["kind"] == "delete":
        return {DELETED: Cell(True, hlc, base.get(DELETED, UNSEEN))}
    fields = {DELETED: False, **operation["fields"]}
    return {name: Cell(value, hlc, base.get(name, UNSEEN)) for name, value in fields.items()}


def values(record: Record) -> dict[str, Any] | None:
    """What a reader sees: the field values, or None for a deleted record."""
    if not record or record.get(DELETED, Cell(False, "")).value:
        return None
    return {name: cell.value for name, cell in record.items() if name != DELETED}


def merge_text(base: str, ours: str, theirs: str) -> str | None:
    """Three-way line merge; None when both sides changed the same or adjacent lines.

    Symmetric in `ours` and `theirs`, so every replica merges to the same text.
    """
    base_lines = base.splitlines(keepends=True)
    changes = sorted(
        [(*change, 0) for change in _changes(base_lines, ours)]
        + [(*change, 1) for change in _changes(base_lines, theirs)],
        key=lambda change: (change[0], change[1], change[3], change[2]),
    )
    result: list[str] = []
    position = 0
    for group in _overlapping(changes):
        start = min(change[0] for change in group)
        end = max(change[1] for change in group)
        sides = {
            "".join(_rewritten(base_lines, start, end, [c for c in group if c[3] == side]))
            for side in {change[3] for change in group}
        }
        if len(sides) > 1:
            return None
        result.extend(base_lines[position:start])
        result.append(sides.pop())
        position = end
    result.extend(base_lines[position:])
    return "".join(result)


def _changes(base_lines: list[str], text: str) -> list[tuple[int, int, tuple[str, ...]]]:
    """Each change of `text` against the base: (start, end) in the base, the new lines."""
    lines = text.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(None, base_lines, lines, autojunk=False)
    return [
        (i1, i2, tuple(lines[j1:j2]))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def _overlapping(changes: Iterable[tuple]) -> list[list[tuple]]:
    """Changes grouped where they overlap or touch: a group is one region of the base."""
    groups: list[list[tuple]] = []
    end = -1
    for change in changes:
        if groups and change[0] <= end:
            groups[-1].append(change)
            end = max(end, change[1])
        else:
            groups.append([change])
            end = change[1]
    return groups


def _rewritten(base_lines: list[str], start: int, end: int, changes: list[tuple]) -> list[str]:
    """Base lines start..end with one side's changes in that region applied."""
    lines: list[str] = []
    position = start
    for change_start, change_end, new_lines, _ in changes:
        lines.extend(base_lines[position:change_start])
        lines.extend(new_lines)
        position = change_end
    lines.extend(base_lines[position:end])
    return lines


def side(cell: Cell) -> dict[str, Any]:
    """One side of a conflict record: the value, its HLC and the node that wrote it."""
    return {"value": cell.value, "hlc": cell.hlc, "node_id": cell.hlc.split(":", 2)[2]}


def chosen(keep: str, winner: dict[str, Any], loser: dict[str, Any], merged: Any) -> Any:
    """The value a person's resolution keeps: the winner's (`local`), the loser's
    (`remote`) or their own (`merged`)."""
    return {"local": winner["value"], "remote": loser["value"]}.get(keep, merged)


def write_of(field: str, value: Any) -> tuple[str, dict[str, Any]]:
    """The operation (kind, fields) that sets `field` to `value`; the tombstone field
    is set by a delete, or cleared by a put that writes nothing else."""
    if field == DELETED:
        return ("delete" if value else "put"), {}
    return "put", {field: value}


def encode(record: Record) -> dict[str, list[Any]]:
    return {field: [cell.value, cell.hlc, cell.base] for field, cell in record.items()}


def decode(cells: dict[str, list[Any]]) -> Record:
    return {field: Cell(*cell) for field, cell in cells.items()}
