"""The node's sync store: records, operation log, checkpoint, conflicts, in SQLite.

Besides its own operations (`oplog`) it keeps every other node's it has applied
(`received`, keyed by origin and seq), whether they came from a peer on the LAN or from
the hub's change feed: what it holds of each origin is a prefix, `origins.held` its
mark, and together with its own seq they are its version vector (unibos.sync.delivery),
which says what to send a peer. Those a peer brought are also queued for the hub until
the hub's mark for their origin (`origins.at_hub`, as last heard) passes them, so that
a node that never reached the hub still gets its writes there through another; an
origin the hub refuses (revoked since) is queued no more (`origins.refused_by_hub`).

Export control (unibos.sync.export): each collection has a level (`exports`, else the
node's default, UNIBOS_EXPORT_DEFAULT), which each operation is stamped with when it is
written; setting a collection narrower restamps its operations, so that none not yet
sent leaves in full from then on. Others' operations keep their origin's stamp. Every
way operations leave this store passes them through `export.bound_for`: to the hub
(`hub_queue`, `relay_queue`) and to a peer (`lacking`); what may not go goes as a
placeholder, which a receiving store keeps as one, with nothing of the collection.

Its own file (UNIBOS_SYNC_DB_PATH), reached with the sqlite3 module so that every
transaction is one we open ourselves with BEGIN IMMEDIATE: a local write, its
operation-log entry and the clock it used commit together or not at all, and pulled
operations commit together with the checkpoint that says they were pulled. WAL and
synchronous=FULL keep a committed transaction across a power cut.
"""

import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings

from unibos.node.state import Identity
from unibos.sync import delivery, documents, export, merge
from unibos.sync.hlc import Clock, Timestamp, wall_ms

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    collection TEXT NOT NULL, record_id TEXT NOT NULL, cells TEXT NOT NULL,
    PRIMARY KEY (collection, record_id));
CREATE TABLE IF NOT EXISTS oplog (
    seq INTEGER PRIMARY KEY, hlc TEXT NOT NULL, collection TEXT NOT NULL,
    record_id TEXT NOT NULL, kind TEXT NOT NULL, fields TEXT NOT NULL, base TEXT NOT NULL,
    export TEXT NOT NULL DEFAULT 'hub');
CREATE TABLE IF NOT EXISTS received (
    origin TEXT NOT NULL, seq INTEGER NOT NULL, hlc TEXT NOT NULL, collection TEXT NOT NULL,
    record_id TEXT NOT NULL, kind TEXT NOT NULL, fields TEXT NOT NULL, base TEXT NOT NULL,
    export TEXT NOT NULL DEFAULT 'hub', PRIMARY KEY (origin, seq));
-- The hub's own writes (a conflict resolved there): no origin, but part of the records.
CREATE TABLE IF NOT EXISTS hub_writes (
    hlc TEXT PRIMARY KEY, collection TEXT NOT NULL, record_id TEXT NOT NULL,
    kind TEXT NOT NULL, fields TEXT NOT NULL, base TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS exports (collection TEXT PRIMARY KEY, level TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS origins (
    origin TEXT PRIMARY KEY, held INTEGER NOT NULL, at_hub INTEGER NOT NULL,
    refused_by_hub INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS peers (
    node_id TEXT PRIMARY KEY, name TEXT NOT NULL, address TEXT NOT NULL, port INTEGER NOT NULL,
    organization INTEGER NOT NULL, version TEXT NOT NULL, state TEXT NOT NULL,
    last_seen REAL, vector TEXT, reason TEXT);
CREATE TABLE IF NOT EXISTS conflicts (
    id INTEGER PRIMARY KEY, collection TEXT NOT NULL, record_id TEXT NOT NULL,
    field TEXT NOT NULL, winner TEXT NOT NULL, loser TEXT NOT NULL, created_at TEXT NOT NULL,
    resolved_at TEXT, resolution TEXT);
-- A record is folded again from every operation it holds (unibos.sync.merge.fold).
CREATE INDEX IF NOT EXISTS oplog_record ON oplog (collection, record_id);
CREATE INDEX IF NOT EXISTS received_record ON received (collection, record_id);
CREATE INDEX IF NOT EXISTS hub_writes_record ON hub_writes (collection, record_id);
CREATE INDEX IF NOT EXISTS conflicts_record ON conflicts (collection, record_id);
"""
# Columns added since a store could first be created: a store from before gets them,
# and what it holds was written when every operation went everywhere.
ADDED_COLUMNS = (
    ("oplog", "export", "TEXT NOT NULL DEFAULT 'hub'"),
    ("received", "export", "TEXT NOT NULL DEFAULT 'hub'"),
)
OPERATION_COLUMNS = "seq, hlc, collection, record_id, kind, fields, base, export"


def _now() -> str:
    return datetime.now(UTC).isoformat()


class SyncStore:
    """One node's store; `wall` is the clock's time source (tests set it back);
    `export_default` the level of a collection given none (unibos.sync.export)."""

    def __init__(
        self,
        path: Path,
        node_id: str,
        wall: Callable[[], int] = wall_ms,
        export_default: str = export.HUB,
    ) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.node_id = node_id
        self.wall = wall
        self.export_default = export_default
        # isolation_level=None: no implicit transactions, only the ones opened here.
        self.db = sqlite3.connect(path, isolation_level=None, timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(SCHEMA)
        self._upgrade()

    def _upgrade(self) -> None:
        with self.transaction():
            for table, column, definition in ADDED_COLUMNS:
                present = {row[1] for row in self.db.execute(f"PRAGMA table_info({table})")}
                if column not in present:
                    self.db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")
            # Whether this store has kept others' operations since its first pull of the
            # feed: then an origin's seqs the feed skips are placeholders (apply_remote).
            # A store from before applied the feed without marks, and skips are its past.
            if not self.meta("feed_from_start"):
                self._set("feed_from_start", int(self.checkpoint == 0))

    @classmethod
    def of_node(cls, identity: Identity) -> "SyncStore":
        """This node's store, at UNIBOS_SYNC_DB_PATH, its default export level
        UNIBOS_EXPORT_DEFAULT."""
        return cls(
            Path(settings.UNIBOS_SYNC_DB_PATH),
            identity.node_id,
            # A node's settings and the development ones have it; a hub's, under which
            # the tests serve node APIs, do not: the store's own default then.
            export_default=getattr(settings, "UNIBOS_EXPORT_DEFAULT", export.HUB),
        )

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "SyncStore":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def meta(self, key: str, default: str = "") -> str:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def _set(self, key: str, value: object) -> None:
        self.db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, str(value)),
        )

    def clock(self) -> Clock:
        """The clock as the last committed transaction left it: after a restart too."""
        last = self.meta("hlc")
        return Clock(self.node_id, Timestamp.parse(last) if last else None, self.wall)

    # Local writes.

    def put(self, collection: str, record_id: str, fields: dict[str, Any]) -> dict[str, Any]:
        return self._write(collection, record_id, "put", fields)

    def delete(self, collection: str, record_id: str) -> dict[str, Any]:
        return self._write(collection, record_id, "delete", {})

    def edit_document(
        self, collection: str, record_id: str, field: str, update: bytes
    ) -> dict[str, Any]:
        """One edit of a document field: a Yjs update (unibos.sync.documents). An update
        that is not one raises ValueError, and nothing is written."""
        return self._write(collection, record_id, "put", {field: documents.document(update)})

    def splice_document(
        self, collection: str, record_id: str, field: str, *, at: int, delete: int, insert: str
    ) -> dict[str, Any]:
        """Edit a document's text as `documents.splice` does, on the state it has now."""
        with self.transaction():
            cell = self._record(collection, record_id).get(field)
            current = cell.value if cell and documents.is_document(cell.value) else None
            update = documents.splice(current, at, delete, insert)
            return self._logged(collection, record_id, "put", {field: documents.document(update)})

    def _write(
        self, collection: str, record_id: str, kind: str, fields: dict[str, Any]
    ) -> dict[str, Any]:
        with self.transaction():
            return self._logged(collection, record_id, kind, fields)

    def _logged(
        self, collection: str, record_id: str, kind: str, fields: dict[str, Any]
    ) -> dict[str, Any]:
        """The write and its operation, inside the caller's transaction."""
        clock = self.clock()
        cells = self._record(collection, record_id)
        written = [merge.DELETED, *fields]
        level = self.export_level(collection)
        operation = {
            "node_id": self.node_id,
            "seq": int(self.meta("seq", "0")) + 1,
            "hlc": str(clock.now()),
            "collection": collection,
            "record_id": record_id,
            "kind": kind,
            "fields": fields,
            # A document's edit needs no base (edits join), and its state can be large.
            "base": {
                name: cells[name].value
                for name in written
                if name in cells and not documents.is_document(cells[name].value)
            },
        }
        if level != export.HUB:
            operation["export"] = level
        self.db.execute(
            f"INSERT INTO oplog ({OPERATION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                operation["seq"],
                operation["hlc"],
                collection,
                record_id,
                kind,
                json.dumps(fields),
                json.dumps(operation["base"]),
                level,
            ),
        )
        self._merge(operation, {})
        self._set("seq", operation["seq"])
        self._set("hlc", clock.last)
        return operation

    # Reading.

    def get(self, collection: str, record_id: str) -> dict[str, Any] | None:
        return merge.values(self._record(collection, record_id))

    def records(
        self, collection: str, after: str = "", limit: int = -1
    ) -> dict[str, dict[str, Any]]:
        """The collection's records (not the deleted ones) by id, after id `after`, at
        most `limit` of them."""
        rows = self.db.execute(
            "SELECT record_id, cells FROM records WHERE collection = ? AND record_id > ? "
            f"AND NOT coalesce(json_extract(cells, '$.{merge.DELETED}[0]'), 0) "
            "ORDER BY record_id LIMIT ?",
            (collection, after, limit),
        )
        found = {record_id: merge.values(merge.decode(json.loads(c))) for record_id, c in rows}
        return {record_id: fields for record_id, fields in found.items() if fields is not None}

    def _record(self, collection: str, record_id: str) -> merge.Record:
        row = self.db.execute(
            "SELECT cells FROM records WHERE collection = ? AND record_id = ?",
            (collection, record_id),
        ).fetchone()
        return merge.decode(json.loads(row[0])) if row else {}

    def operations(self, after: int = 0, limit: int = -1) -> list[dict[str, Any]]:
        """The operation log after seq `after`, oldest first, each with its level as
        stamped (`export`, absent for `hub`): what this node wrote, not what may leave."""
        rows = self.db.execute(
            f"SELECT {OPERATION_COLUMNS} FROM oplog WHERE seq > ? ORDER BY seq LIMIT ?",
            (after, limit),
        )
        return [_operation((self.node_id, *row)) for row in rows]

    def hub_queue(self, limit: int = -1) -> list[dict[str, Any]]:
        """This node's operations after the hub's mark as last heard, as they go to the
        hub: those of a collection kept from it as placeholders."""
        return export.bound_for(self.operations(self.pushed, limit), export.HUB)

    # Export control.

    def export_level(self, collection: str) -> str:
        """The level of `collection`: as set, else the node's default."""
        row = self.db.execute(
            "SELECT level FROM exports WHERE collection = ?", (collection,)
        ).fetchone()
        return row[0] if row else self.export_default

    def set_export(self, collection: str, level: str) -> None:
        """Give `collection` a level. A narrower one also restamps this node's operations
        of it, so that none not yet sent leaves in full, even once the collection is set
        wider again: they were queued under the narrower promise."""
        problem = export.level_problem(level)
        if problem is not None:
            raise ValueError(problem)
        narrower = export.LEVELS[export.LEVELS.index(level) :]
        with self.transaction():
            self.db.execute(
                "INSERT INTO exports (collection, level) VALUES (?, ?) "
                "ON CONFLICT (collection) DO UPDATE SET level = excluded.level",
                (collection, level),
            )
            self.db.execute(
                "UPDATE oplog SET export = ? WHERE collection = ? AND export NOT IN "
                f"({', '.join('?' * len(narrower))})",
                (level, collection, *narrower),
            )

    def exports(self) -> list[dict[str, Any]]:
        """Every collection this node holds or has a level for, by name: its level and
        whether it was set (else it is the default's)."""
        chosen = dict(self.db.execute("SELECT collection, level FROM exports"))
        held = {
            row[0]
            for row in self.db.execute(
                "SELECT collection FROM records UNION SELECT collection FROM oplog"
            )
        }
        return [
            {
                "collection": collection,
                "level": chosen.get(collection, self.export_default),
                "set": collection in chosen,
            }
            for collection in sorted(held | set(chosen))
        ]

    # Sync state.

    @property
    def pushed(self) -> int:
        """The hub's high-water mark as last heard: what is known to be there."""
        return int(self.meta("pushed", "0"))

    @property
    def checkpoint(self) -> int:
        return int(self.meta("checkpoint", "0"))

    def mark_pushed(self, high_water: int) -> None:
        with self.transaction():
            self._set("pushed", high_water)

    def mark_synced(self) -> None:
        with self.transaction():
            self._set("last_sync_at", _now())

    def apply_remote(self, operations: list[dict[str, Any]], cursor: int) -> int:
        """Merge operations pulled from the hub's change feed and move the checkpoint to
        `cursor`, in one transaction; the number of new conflicts.

        An operation this store already holds (a peer brought it first) is not applied
        again. The feed is not held to this store's marks beyond that: it serves each
        origin's operations in order, and a store from before it kept others'
        operations has applied the earlier ones without a mark. The seqs the feed skips
        are placeholders, of which the hub keeps nothing: kept here as placeholders, so
        that a peer this store passes the origin's operations on to finds no gap.
        """
        with self.transaction():
            clock = self.clock()
            fresh = []
            origins = self._origins()
            from_start = self.meta("feed_from_start") == "1"
            for operation in operations:
                origin, seq = operation["node_id"], operation["seq"]
                # The hub's own writes (a resolved conflict) have no origin or seq.
                if origin is not None:
                    held, at_hub = origins.get(origin, (0, 0))
                    # The hub served it: it is there, whoever brought it.
                    origins[origin] = (max(held, seq), max(at_hub, seq))
                    if seq <= held:
                        continue
                    if held or from_start:
                        for skipped in range(held + 1, seq):
                            self._keep(export.placeholder({"node_id": origin, "seq": skipped}))
                clock.observe(Timestamp.parse(operation["hlc"]))
                fresh.append(operation)
            conflicts = self._apply(fresh)
            self._save_origins(origins)
            self._set("hlc", clock.last)
            self._set("checkpoint", cursor)
        return conflicts

    # Other nodes' operations from peers, and the queue of them for the hub.

    def vector(self) -> dict[str, int]:
        """This store's version vector: its own seq and its mark of every other origin."""
        held = {origin: marks[0] for origin, marks in self._origins().items()}
        return {**held, self.node_id: int(self.meta("seq", "0"))}

    def receive(self, operations: list[dict[str, Any]]) -> int:
        """Apply operations a peer passed on, each once and in its origin's order, in
        one transaction; the number applied. Operations arrive in any order and any
        number of times: one already held is dropped, one after a gap is left for the
        peer to send again once the gap is filled (this store's vector still lacks
        it). This node's own operations come from its own log only, never from a peer.

        The caller (the peer exchange) has checked their shape, as unibos.sync.batch
        does for the hub, and that the peer is of this node's organization.
        """
        others = [operation for operation in operations if operation["node_id"] != self.node_id]
        with self.transaction():
            origins = self._origins()
            intake = delivery.Intake({origin: marks[0] for origin, marks in origins.items()})
            released = intake.receive(others)
            clock = self.clock()
            for operation in released:
                # A placeholder moves the mark and is kept as one: nothing to apply.
                if not export.is_placeholder(operation):
                    clock.observe(Timestamp.parse(operation["hlc"]))
            self._apply(released)
            for origin, held in intake.vector.items():
                origins[origin] = (held, origins.get(origin, (0, 0))[1])
            self._save_origins(origins)
            self._set("hlc", clock.last)
        return len(released)

    def lacking(self, vector: delivery.Vector, limit: int = -1) -> list[dict[str, Any]]:
        """What a peer at `vector` lacks of what this store holds, its own operations
        and others', each origin's in seq order: what to send it, those of a collection
        kept from peers as placeholders. At most `limit` (-1: all), the first of them, so
        that each origin's are still the next it lacks."""
        own = self.operations(vector.get(self.node_id, 0), limit)
        others = -1 if limit < 0 else limit - len(own)
        # delivery.lacking's rule, in the query: only the rows the peer lacks leave
        # SQLite and are decoded, not every operation the store holds.
        rows = self.db.execute(
            "SELECT r.origin, r.seq, r.hlc, r.collection, r.record_id, r.kind, r.fields, "
            "r.base, r.export FROM origins o JOIN received r ON r.origin = o.origin "
            "AND r.seq > coalesce(json_extract(?, '$.\"' || o.origin || '\"'), 0) "
            "ORDER BY r.origin, r.seq LIMIT ?",
            (json.dumps(dict(vector)), others),
        )
        return export.bound_for(own + [_operation(row) for row in rows], export.PEERS)

    def relay_queue(self, limit: int = -1) -> list[dict[str, Any]]:
        """Other origins' operations not yet known to be on the hub, each origin's in
        seq order from the hub's mark as last heard: what this node pushes for them, those
        their origin kept from the hub as placeholders."""
        rows = self.db.execute(
            "SELECT r.origin, r.seq, r.hlc, r.collection, r.record_id, r.kind, r.fields, "
            "r.base, r.export FROM received r JOIN origins o ON o.origin = r.origin "
            "WHERE r.seq > o.at_hub AND NOT o.refused_by_hub ORDER BY r.origin, r.seq LIMIT ?",
            (limit,),
        )
        return export.bound_for([_operation(row) for row in rows], export.HUB)

    def mark_relayed(self, high_waters: dict[str, int]) -> None:
        """The hub's marks of other origins, from a push's answer."""
        with self.transaction():
            self.db.executemany(
                "UPDATE origins SET at_hub = max(at_hub, ?) WHERE origin = ?",
                [(mark, origin) for origin, mark in high_waters.items() if origin != self.node_id],
            )

    def stop_relaying(self, origin: str) -> None:
        """Queue no more of `origin`'s operations for the hub, which refuses them."""
        with self.transaction():
            self.db.execute("UPDATE origins SET refused_by_hub = 1 WHERE origin = ?", (origin,))

    def _origins(self) -> dict[str, tuple[int, int]]:
        """origin -> (held, at_hub)."""
        rows = self.db.execute("SELECT origin, held, at_hub FROM origins")
        return {origin: (held, at_hub) for origin, held, at_hub in rows}

    def _save_origins(self, origins: dict[str, tuple[int, int]]) -> None:
        self.db.executemany(
            "INSERT INTO origins (origin, held, at_hub) VALUES (?, ?, ?) "
            "ON CONFLICT (origin) DO UPDATE SET held = excluded.held, at_hub = excluded.at_hub",
            [(origin, held, at_hub) for origin, (held, at_hub) in origins.items()],
        )

    def _apply(self, operations: list[dict[str, Any]]) -> int:
        """Keep others' operations and merge them, in the caller's transaction; the
        number of new conflicts. All are kept first: a field folded again then folds
        every one of them, and the rest of its writes here are already in."""
        for operation in operations:
            self._keep(operation)
        folded: dict[tuple[str, str], frozenset[str]] = {}
        # A placeholder (a collection its origin keeps back) has nothing to merge.
        return sum(
            self._merge(operation, folded)
            for operation in operations
            if not export.is_placeholder(operation)
        )

    def _keep(self, operation: dict[str, Any]) -> None:
        """Keep an operation: the hub's own writes as part of the records, another
        origin's to pass on, a placeholder as no more than its origin and seq (and
        `local`: nothing of it goes anywhere)."""
        if operation["node_id"] is None:
            self.db.execute(
                "INSERT OR IGNORE INTO hub_writes (hlc, collection, record_id, kind, fields, "
                "base) VALUES (?, ?, ?, ?, ?, ?)",
                _content(operation),
            )
            return
        if export.is_placeholder(operation):
            origin, seq = delivery.key(operation)
            row = (origin, seq, "", "", "", export.PLACEHOLDER, "{}", "{}", export.LOCAL)
        else:
            row = (*delivery.key(operation), *_content(operation), export.level(operation))
        marks = ", ".join("?" * len(row))
        self.db.execute(f"INSERT INTO received (origin, {OPERATION_COLUMNS}) VALUES ({marks})", row)

    def _merge(
        self, operation: dict[str, Any], folded: dict[tuple[str, str], frozenset[str]]
    ) -> int:
        """Merge one operation this store holds already into its record; the number of
        new conflicts. `folded`: the fields of each record folded again in this
        transaction, from every operation kept so far."""
        key = collection, record_id = operation["collection"], operation["record_id"]
        applied = merge.apply_operation(
            self._record(collection, record_id),
            operation,
            lambda: self._history(collection, record_id),
            folded.get(key, frozenset()),
        )
        self.db.execute(
            "INSERT INTO records (collection, record_id, cells) VALUES (?, ?, ?) "
            "ON CONFLICT (collection, record_id) DO UPDATE SET cells = excluded.cells",
            (collection, record_id, json.dumps(merge.encode(applied.record))),
        )
        folded[key] = folded.get(key, frozenset()) | applied.folded
        stepped = [c for c in applied.conflicts if c.field not in applied.folded]
        refound = [c for c in applied.conflicts if c.field in applied.folded]
        return self._add_conflicts(collection, record_id, stepped) + self._replace_conflicts(
            collection, record_id, applied.folded, refound
        )

    def _history(self, collection: str, record_id: str) -> list[dict[str, Any]]:
        """Every operation of the record this store holds: its own, others', the hub's."""
        own = self.db.execute(
            f"SELECT ?, {OPERATION_COLUMNS} FROM oplog WHERE collection = ? AND record_id = ?",
            (self.node_id, collection, record_id),
        )
        others = self.db.execute(
            f"SELECT origin, {OPERATION_COLUMNS} FROM received "
            "WHERE collection = ? AND record_id = ? UNION ALL "
            "SELECT NULL, NULL, hlc, collection, record_id, kind, fields, base, 'hub' "
            "FROM hub_writes WHERE collection = ? AND record_id = ?",
            (collection, record_id, collection, record_id),
        )
        return [_operation(row) for row in [*own, *others]]

    def _replace_conflicts(
        self, collection: str, record_id: str, fields: frozenset[str], found: list[merge.Conflict]
    ) -> int:
        """Make the conflicts of the record's `fields` the ones a fold found: an
        unresolved one it no longer finds goes, a resolved one stays (a person settled
        it), one found again is kept as it is; the number of new ones."""
        if not fields:
            return 0
        rows = [
            row
            for row in self.db.execute(
                "SELECT id, field, winner, loser, resolved_at FROM conflicts "
                "WHERE collection = ? AND record_id = ?",
                (collection, record_id),
            )
            if row[1] in fields
        ]
        wanted = {_key(conflict): conflict for conflict in found}
        held = [
            (identifier, merge.conflict_key(field, json.loads(winner), json.loads(loser)), resolved)
            for identifier, field, winner, loser, resolved in rows
        ]
        self.db.executemany(
            "DELETE FROM conflicts WHERE id = ?",
            [
                (identifier,)
                for identifier, key, resolved in held
                if key not in wanted and resolved is None
            ],
        )
        kept = {key for _, key, _ in held}
        new = [conflict for key, conflict in wanted.items() if key not in kept]
        return self._add_conflicts(collection, record_id, new)

    def _add_conflicts(self, collection: str, record_id: str, found: list[merge.Conflict]) -> int:
        self.db.executemany(
            "INSERT INTO conflicts (collection, record_id, field, winner, loser, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    collection,
                    record_id,
                    conflict.field,
                    json.dumps(merge.side(conflict.winner)),
                    json.dumps(merge.side(conflict.loser)),
                    _now(),
                )
                for conflict in found
            ],
        )
        return len(found)

    @property
    def queued(self) -> int:
        """Operations not yet known to be on the hub: this node's, and those it holds
        for other origins that a peer brought."""
        own = self.db.execute("SELECT count(*) FROM oplog WHERE seq > ?", (self.pushed,))
        relayed = self.db.execute(
            "SELECT count(*) FROM received r JOIN origins o ON o.origin = r.origin "
            "WHERE r.seq > o.at_hub AND NOT o.refused_by_hub"
        )
        return own.fetchone()[0] + relayed.fetchone()[0]

    def status(self) -> dict[str, Any]:
        return {
            "node_id": self.node_id,
            "queue": self.queued,
            "last_seq": int(self.meta("seq", "0")),
            "pushed": self.pushed,
            "checkpoint": self.checkpoint,
            "last_sync_at": self.meta("last_sync_at") or None,
            "conflicts": self.db.execute(
                "SELECT count(*) FROM conflicts WHERE resolved_at IS NULL"
            ).fetchone()[0],
        }

    # The peers the sync agent found on the LAN (unibos.node.peers), for `unibos peers`.

    def save_peers(self, peers: list[dict[str, Any]]) -> None:
        """Replace the peers as the agent knows them now (unibos.node.peers.table's rows)."""
        with self.transaction():
            self.db.execute("DELETE FROM peers")
            self.db.executemany(
                "INSERT INTO peers (node_id, name, address, port, organization, version, "
                "state, last_seen, vector, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        peer["node_id"],
                        peer["name"],
                        peer["address"],
                        peer["port"],
                        peer["organization"],
                        peer["version"],
                        peer["state"],
                        peer["last_seen"],
                        None if peer["vector"] is None else json.dumps(peer["vector"]),
                        peer["reason"],
                    )
                    for peer in peers
                ],
            )

    def peers(self) -> list[dict[str, Any]]:
        """The peers as the agent last saved them, by name."""
        rows = self.db.execute(
            "SELECT node_id, name, address, port, organization, version, state, last_seen, "
            "vector, reason FROM peers ORDER BY name, node_id"
        )
        columns = (
            "node_id", "name", "address", "port", "organization", "version", "state",
            "last_seen", "vector", "reason",
        )  # fmt: skip
        found = [dict(zip(columns, row, strict=True)) for row in rows]
        for peer in found:
            peer["vector"] = None if peer["vector"] is None else json.loads(peer["vector"])
        return found

    # Conflicts.

    def conflicts(self, unresolved_only: bool = False) -> list[dict[str, Any]]:
        where = "WHERE resolved_at IS NULL" if unresolved_only else ""
        rows = self.db.execute(
            "SELECT id, collection, record_id, field, winner, loser, created_at, resolved_at, "
            f"resolution FROM conflicts {where} ORDER BY id"
        )
        return [_conflict(row) for row in rows]

    def resolve(self, conflict_id: int, keep: str, value: Any = None) -> dict[str, Any] | None:
        """`local` keeps the winner, `remote` writes the loser's value, `merged` writes
        `value`; a write is a local operation, so it reaches the hub and every node."""
        conflict = self.conflict(conflict_id)
        if conflict is None:
            return None
        chosen = merge.chosen(keep, conflict["winner"], conflict["loser"], value)
        with self.transaction():
            if keep != "local":
                kind, fields = merge.write_of(conflict["field"], chosen)
                self._logged(conflict["collection"], conflict["record_id"], kind, fields)
            self.db.execute(
                "UPDATE conflicts SET resolved_at = ?, resolution = ? WHERE id = ?",
                (_now(), json.dumps({"keep": keep, "value": chosen}), conflict_id),
            )
        return self.conflict(conflict_id)

    def conflict(self, conflict_id: int) -> dict[str, Any] | None:
        row = self.db.execute(
            "SELECT id, collection, record_id, field, winner, loser, created_at, resolved_at, "
            "resolution FROM conflicts WHERE id = ?",
            (conflict_id,),
        ).fetchone()
        return _conflict(row) if row else None


def _content(operation: dict[str, Any]) -> tuple:
    """An operation's columns from its HLC on, as the store's tables hold them."""
    return (
        operation["hlc"],
        operation["collection"],
        operation["record_id"],
        operation["kind"],
        json.dumps(operation["fields"]),
        json.dumps(operation["base"]),
    )


def _operation(row: tuple) -> dict[str, Any]:
    """An operation's row (its origin first, then the oplog's columns) as the wire has it,
    its level in `export` unless `hub`."""
    origin, seq, hlc, collection, record_id, kind, fields, base, level = row
    if kind == export.PLACEHOLDER:
        return export.placeholder({"node_id": origin, "seq": seq})
    operation = {
        "node_id": origin,
        "seq": seq,
        "hlc": hlc,
        "collection": collection,
        "record_id": record_id,
        "kind": kind,
        "fields": json.loads(fields),
        "base": json.loads(base),
    }
    if level != export.HUB:
        operation["export"] = level
    return operation


def _key(conflict: merge.Conflict) -> str:
    return merge.conflict_key(
        conflict.field, merge.side(conflict.winner), merge.side(conflict.loser)
    )


def _conflict(row: tuple) -> dict[str, Any]:
    identifier, collection, record_id, field, winner, loser, created, resolved, resolution = row
    return {
        "id": identifier,
        "collection": collection,
        "record_id": record_id,
        "field": field,
        "winner": json.loads(winner),
        "loser": json.loads(loser),
        "created_at": created,
        "resolved_at": resolved,
        "resolution": json.loads(resolution) if resolution else None,
    }
