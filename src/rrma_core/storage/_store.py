"""The store: one SQLAlchemy engine over SQLite (the default) or PostgreSQL."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Connection,
    Engine,
    Select,
    and_,
    bindparam,
    create_engine,
    delete,
    event,
    exists,
    func,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import SQLAlchemyError

from rrma_core.errors import StorageError
from rrma_core.models import Record
from rrma_core.storage._index import index_record, url_key
from rrma_core.storage._schema import MIGRATIONS, SCHEMA_VERSION, UTCDateTime, metadata

__all__ = ["RecordRows", "SourceState", "Store", "StoredRow", "WriteCounter"]

records_t = metadata.tables["records"]
terms_t = metadata.tables["record_terms"]
occurrences_t = metadata.tables["occurrences"]
provenance_t = metadata.tables["provenance"]
sources_t = metadata.tables["sources"]
sync_runs_t = metadata.tables["sync_runs"]
meta_t = metadata.tables["rrma_meta"]
erased_t = metadata.tables["erased_persons"]

#: Engines a forked child inherited from its parent: kept, never used (see ``reopen_in_child``).
_INHERITED_ENGINES: list[Engine] = []

#: Tables whose rows are the records' content (as opposed to sync bookkeeping).
RECORD_TABLES = frozenset({"records", "record_terms", "occurrences", "provenance"})


@dataclass
class SourceState:
    """What the store remembers of a source between syncs."""

    name: str
    connector: str
    state: dict[str, Any] = field(default_factory=dict)
    validators: dict[str, dict[str, str | None]] = field(default_factory=dict)
    since: datetime | None = None
    last_run_at: datetime | None = None
    last_success_at: datetime | None = None
    last_status: str | None = None
    last_error: str | None = None


@dataclass(frozen=True)
class StoredRow:
    """A stored record's row, before it is turned back into a model."""

    id: str
    record_type: str
    data: str
    content_hash: str
    created_at: datetime
    withdrawn_at: datetime | None


@dataclass(frozen=True, slots=True)
class RecordRows:
    """A record's rows as [`Store.write_many`][rrma_core.storage.Store.write_many] inserts them.

    Made ahead by [`Store.prepare`][rrma_core.storage.Store.prepare], outside any
    transaction: a sync prepares the rows of the items it expects to be new while another
    source holds the write lock, so that the write itself only runs the statements.
    """

    #: The very record object the rows are of (``write_many`` checks it is the one written).
    record: Record
    #: The ``records`` row, date-times converted for the database.
    row: tuple[Any, ...]
    terms: list[tuple[str, str, str]]
    #: ``occurrences`` rows, date-times converted for the database.
    occurrences: list[tuple[Any, ...]]


class WriteCounter:
    """Counts the rows sent by INSERT, UPDATE and DELETE statements, per table.

    Tests and benchmarks read it to check that an unchanged sync writes no record rows.
    """

    _VERB = re.compile(r"^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)", re.I)

    def __init__(self) -> None:
        self.by_table: dict[str, int] = {}

    def observe(self, statement: str, rows: int) -> None:
        match = self._VERB.match(statement)
        if match:
            table = match.group(2).lower()
            self.by_table[table] = self.by_table.get(table, 0) + rows

    @property
    def record_rows(self) -> int:
        """Rows written to the record tables."""
        return sum(n for t, n in self.by_table.items() if t in RECORD_TABLES)

    @property
    def total(self) -> int:
        """Rows written to any table."""
        return sum(self.by_table.values())


def _source_state(row: RowMapping) -> SourceState:
    return SourceState(
        name=row["name"],
        connector=row["connector"],
        state=json.loads(row["state"] or "{}"),
        validators=json.loads(row["validators"] or "{}"),
        since=row["since"],
        last_run_at=row["last_run_at"],
        last_success_at=row["last_success_at"],
        last_status=row["last_status"],
        last_error=row["last_error"],
    )


def _sqlite_url(url: str, root: Path) -> str:
    """Make a relative SQLite path relative to the workspace folder."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and url != "sqlite:///:memory:":
        path = Path(url[len(prefix) :])
        if not path.is_absolute():
            return prefix + str((root / path).resolve())
    return url


class Store:
    """The database of a workspace: schema upgrades, transactions, record rows and queries.

    Applications use the [`Workspace`][rrma_core.Workspace] methods; the store is the layer
    they rest on.
    """

    def __init__(self, url: str, *, root: Path, timezone: ZoneInfo) -> None:
        self.url = _sqlite_url(url, root)
        self.timezone = timezone
        self.writes = WriteCounter()
        self.is_sqlite = self.url.startswith("sqlite")
        try:
            self.engine = self._create_engine()
            self.upgrade()
        except SQLAlchemyError as error:
            raise StorageError(f"cannot open the database {self._safe_url}: {error}") from None

    @property
    def _safe_url(self) -> str:
        return re.sub(r"//([^:/@]+):[^@]+@", r"//\1:***@", self.url)

    def _create_engine(self) -> Engine:
        if self.is_sqlite:
            engine = create_engine(
                self.url,
                pool_size=4,
                max_overflow=8,
                connect_args={"timeout": 60, "check_same_thread": False},
            )

            @event.listens_for(engine, "connect")
            def _pragmas(dbapi_connection: Any, _record: Any) -> None:
                # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
                dbapi_connection.isolation_level = None
                cursor = dbapi_connection.cursor()
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA busy_timeout=60000")
                cursor.execute("PRAGMA foreign_keys=ON")
                cursor.execute("PRAGMA synchronous=NORMAL")
                cursor.close()

            @event.listens_for(engine, "begin")
            def _begin(connection: Connection) -> None:
                # A write transaction takes the write lock at once: two writers then queue
                # on busy_timeout instead of failing with "database is locked" when one
                # upgrades its read lock. Reads stay deferred, so they never block writers.
                if connection.get_execution_options().get("rrma_write"):
                    connection.exec_driver_sql("BEGIN IMMEDIATE")
                else:
                    connection.exec_driver_sql("BEGIN")

        else:
            engine = create_engine(self.url, pool_pre_ping=True, pool_size=5, max_overflow=5)

        @event.listens_for(engine, "before_cursor_execute")
        def _count(
            conn: Any, cursor: Any, statement: str, params: Any, ctx: Any, many: bool
        ) -> None:
            rows = len(params) if many and isinstance(params, Sequence) else 1
            self.writes.observe(statement, rows)

        return engine

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def reopen_in_child(self) -> None:
        """In a process made by ``fork``: open new connections, never touching the parent's.

        The child's copies of the parent's connections are kept referenced (so they are
        neither used, closed nor garbage-collected: closing a PostgreSQL connection would end
        the parent's session); the child's writes are counted afresh.
        """
        _INHERITED_ENGINES.append(self.engine)
        self.writes = WriteCounter()
        self.engine = self._create_engine()

    # --- schema ----------------------------------------------------------------------------

    def schema_version(self) -> int | None:
        """The schema version of the database, ``None`` when it has no rrma schema yet."""
        with self.engine.connect() as conn:
            if not inspect(conn).has_table("rrma_meta"):
                return None
            value = conn.execute(
                select(meta_t.c.value).where(meta_t.c.key == "schema_version")
            ).scalar()
            return int(value) if value is not None else None

    def upgrade(self) -> None:
        """Create the schema in a new database, or upgrade an older one to the current version.

        Raises:
            StorageError: when the database was made by a newer rrma_core.
        """
        with self.transaction() as conn:
            if not self.is_sqlite:
                # Two processes opening a new shared database at once: one creates it.
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7262001)")
            if not inspect(conn).has_table("rrma_meta"):
                metadata.create_all(conn)
                conn.execute(insert(meta_t).values(key="schema_version", value=str(SCHEMA_VERSION)))
                return
            value = conn.execute(
                select(meta_t.c.value).where(meta_t.c.key == "schema_version")
            ).scalar()
            version = int(value or 1)
            if version > SCHEMA_VERSION:
                raise StorageError(
                    f"the database {self._safe_url} has schema version {version}, newer than "
                    f"this rrma_core's ({SCHEMA_VERSION}): upgrade rrma_core"
                )
            while version < SCHEMA_VERSION:
                MIGRATIONS[version](conn)
                version += 1
            conn.execute(
                update(meta_t).where(meta_t.c.key == "schema_version").values(value=str(version))
            )

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A connection in a write transaction: committed at the end, rolled back on error."""
        with self.engine.connect() as conn:
            conn = conn.execution_options(rrma_write=True)
            with conn.begin():
                yield conn

    # --- sources ---------------------------------------------------------------------------

    def source_state(self, conn: Connection, name: str, connector: str) -> SourceState:
        """The stored state of source ``name`` (an empty one the first time)."""
        row = conn.execute(select(sources_t).where(sources_t.c.name == name)).mappings().first()
        if row is None:
            return SourceState(name=name, connector=connector)
        return _source_state(row)

    def sources(self) -> list[SourceState]:
        """Every source the store has a state for (one query)."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(sources_t)).mappings().all()
        return [_source_state(row) for row in rows]

    def save_source(self, conn: Connection, state: SourceState) -> None:
        """Insert or update the stored state of a source."""
        values = {
            "connector": state.connector,
            "state": json.dumps(state.state, sort_keys=True, default=str),
            "validators": json.dumps(state.validators, sort_keys=True),
            "since": state.since,
            "last_run_at": state.last_run_at,
            "last_success_at": state.last_success_at,
            "last_status": state.last_status,
            "last_error": state.last_error,
        }
        # Statements built once (module level): building one per source cost more than
        # running it.
        done = conn.execute(
            _UPDATE_SOURCE, {"b_name": state.name, **{f"v_{k}": v for k, v in values.items()}}
        )
        if done.rowcount == 0:
            conn.execute(_INSERT_SOURCE, {"name": state.name, **values})

    def log_run(self, conn: Connection, row: Mapping[str, Any]) -> None:
        """Add one line to the history of sync runs."""
        conn.execute(insert(sync_runs_t), dict(row))

    def runs(self, source: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
        """The latest sync runs, newest first."""
        query = select(sync_runs_t).order_by(sync_runs_t.c.id.desc()).limit(limit)
        if source:
            query = query.where(sync_runs_t.c.source == source)
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    # --- identity --------------------------------------------------------------------------

    def linked(self, conn: Connection, source: str) -> dict[str, tuple[str, str | None]]:
        """``source_id -> (record_id, content_hash)`` for every item of ``source``."""
        rows = conn.execute(_LINKED, {"b_source": source})
        return {sid: (rid, h) for sid, rid, h in rows}

    def rows(self, conn: Connection, ids: Iterable[str]) -> dict[str, StoredRow]:
        """The stored rows of these record ids."""
        found: dict[str, StoredRow] = {}
        for chunk in _chunks(sorted(set(ids))):
            for row in conn.execute(_ROWS, {"b_ids": chunk}):
                found[row.id] = StoredRow(*row)
        return found

    def candidates(
        self,
        conn: Connection,
        records: Sequence[Record],
        *,
        exclude_source: str,
        titles: bool = False,
    ) -> list[StoredRow]:
        """Stored records that may be one of ``records`` coming from another source.

        They have the same type and share a canonical URL, or one of the records' source
        ids in another source, or (with ``titles``) their title. A few queries for the
        whole batch.
        """
        if not records:
            return []
        keys = sorted({k for r in records if (k := url_key(getattr(r, "url", None)))})
        # Only ids that name the item beyond its source (UIDs, URLs) can match across sources.
        source_ids = sorted(
            {
                p.source_id
                for r in records
                for p in r.provenance
                if p.source_id and global_id(p.source_id)
            }
        )
        types = sorted({r.record_type for r in records})
        found: dict[str, StoredRow] = {}
        mine = select(provenance_t.c.record_id).where(provenance_t.c.source == exclude_source)
        conditions = [records_t.c.url_key.in_(chunk) for chunk in _chunks(keys)]
        conditions += [
            records_t.c.id.in_(
                select(provenance_t.c.record_id).where(
                    provenance_t.c.source_id.in_(chunk), provenance_t.c.source != exclude_source
                )
            )
            for chunk in _chunks(source_ids)
        ]
        if titles:
            wanted = sorted({str(t)[:1000] for r in records if (t := _record_title(r))})
            conditions += [records_t.c.title.in_(chunk) for chunk in _chunks(wanted)]
        for condition in conditions:
            query = (
                select(*row_columns())
                .where(records_t.c.record_type.in_(types), condition)
                .where(records_t.c.id.not_in(mine))
            )
            for row in conn.execute(query):
                found[row.id] = StoredRow(*row)
        return list(found.values())

    def source_ids_of(self, conn: Connection, record_ids: Iterable[str]) -> dict[str, set[str]]:
        """``record_id -> {source ids in any source}`` for these records."""
        result: dict[str, set[str]] = {}
        for chunk in _chunks(sorted(set(record_ids))):
            query = select(provenance_t.c.record_id, provenance_t.c.source_id).where(
                provenance_t.c.record_id.in_(chunk)
            )
            for record_id, source_id in conn.execute(query):
                result.setdefault(record_id, set()).add(source_id)
        return result

    # --- writing ---------------------------------------------------------------------------

    def write(self, conn: Connection, record: Record, *, exists_already: bool) -> None:
        """Insert ``record``, or replace its stored row, terms and occurrences."""
        if exists_already:
            self.write_many(conn, [], [record])
        else:
            self.write_many(conn, [record], [])

    def write_many(
        self,
        conn: Connection,
        new: Sequence[Record],
        changed: Sequence[Record],
        *,
        hashes: Mapping[str, str] | None = None,
        prepared: Mapping[str, RecordRows] | None = None,
    ) -> None:
        """Insert the ``new`` records and replace the ``changed`` ones, in a few statements.

        ``hashes`` may give records' content hashes already computed (by record id), and
        ``prepared`` their rows made ahead by [`prepare`][rrma_core.storage.Store.prepare]
        (used only for the very record objects they were made of).
        """
        if not new and not changed:
            return
        hashes = hashes or {}
        erased = self.erased_persons(conn, lock=True)
        if erased:
            # Persons erased (GDPR) never come back, whoever writes the record.
            new, changed = _without(new, erased), _without(changed, erased)
            hashes = {k: v for k, v in hashes.items() if k not in erased.changed}
        prepared = prepared or {}
        # Rows as tuples (in the order of the keys below): no dict per row.
        term_rows: list[tuple[str, str, str]] = []
        occurrence_rows: list[tuple[Any, ...]] = []
        inserts: list[tuple[Any, ...]] = []
        updates: list[tuple[Any, ...]] = []
        for record, target in [*((r, inserts) for r in new), *((r, updates) for r in changed)]:
            rows = prepared.get(record.id)
            if rows is None or rows.record is not record:  # not prepared, or changed since
                rows = self.prepare(record, hashes.get(record.id))
            target.append(rows.row)
            term_rows.extend(rows.terms)
            occurrence_rows.extend(rows.occurrences)
        if inserts:
            _insert_rows(conn, records_t, _RECORD_KEYS, inserts, converted=True)
        if updates:
            _update_records(conn, updates)
            ids = [row[0] for row in updates]
            for chunk in _chunks(ids):
                conn.execute(delete(terms_t).where(terms_t.c.record_id.in_(chunk)))
                conn.execute(delete(occurrences_t).where(occurrences_t.c.record_id.in_(chunk)))
        if term_rows:
            _insert_rows(conn, terms_t, _TERM_KEYS, term_rows, converted=True)
        if occurrence_rows:
            _insert_rows(conn, occurrences_t, _OCCURRENCE_KEYS, occurrence_rows, converted=True)

    def prepare(self, record: Record, content_hash: str | None = None) -> RecordRows:
        """The rows ``record`` is stored as (``content_hash``: its hash, if known already).

        No database access: safe to call from any thread, outside any transaction.
        """
        indexed = index_record(record, self.timezone)
        record_id = record.id
        convert = _sqlite_time if self.is_sqlite else _naive_utc
        columns = indexed.columns
        withdrawn, start, end, deadline = (
            record.withdrawn_at,
            columns["start_at"],
            columns["end_at"],
            columns["deadline"],
        )
        row = (
            record_id,
            record.record_type,
            record.model_dump_json(),
            content_hash or record.content_hash(),
            convert(record.created_at),
            convert(record.updated_at),
            None if withdrawn is None else convert(withdrawn),
            columns["title"],
            columns["category"],
            None if start is None else convert(start),
            None if end is None else convert(end),
            None if deadline is None else convert(deadline),
            *(columns[k] for k in _PLAIN_INDEXED_COLUMNS),
        )
        return RecordRows(
            record,
            row,
            [(record_id, f, c) for f, c in sorted(indexed.terms)],
            [
                (record_id, i, convert(s), convert(e), a)
                for i, (s, e, a) in enumerate(indexed.occurrences)
            ],
        )

    def link_many(
        self,
        conn: Connection,
        source: str,
        new: Sequence[tuple[str, str, str]],
        changed: Sequence[tuple[str, str, str]],
        seen_at: datetime,
    ) -> None:
        """Remember items of ``source``: ``(source_id, record_id, content_hash)`` triples."""
        if new:
            _insert_rows(
                conn,
                provenance_t,
                ("source", "source_id", "record_id", "content_hash", "seen_at"),
                [(source, sid, rid, h, seen_at) for sid, rid, h in new],
            )
        if changed:
            conn.execute(
                update(provenance_t)
                .where(
                    provenance_t.c.source == source,
                    provenance_t.c.source_id == bindparam("v_sid"),
                )
                .values(record_id=bindparam("v_rid"), content_hash=bindparam("v_hash")),
                [{"v_sid": sid, "v_rid": rid, "v_hash": h} for sid, rid, h in changed],
            )

    def link(
        self,
        conn: Connection,
        *,
        source: str,
        source_id: str,
        record_id: str,
        content_hash: str,
        seen_at: datetime,
        exists_already: bool,
    ) -> None:
        """Remember that item ``source_id`` of ``source`` is record ``record_id``."""
        triple = [(source_id, record_id, content_hash)]
        if exists_already:
            self.link_many(conn, source, [], triple, seen_at)
        else:
            self.link_many(conn, source, triple, [], seen_at)

    def unlink(self, conn: Connection, source: str, source_ids: Iterable[str]) -> None:
        """Forget these items of ``source``."""
        ids = list(source_ids)
        for start in range(0, len(ids), 500):
            conn.execute(
                delete(provenance_t).where(
                    provenance_t.c.source == source,
                    provenance_t.c.source_id.in_(ids[start : start + 500]),
                )
            )

    def has_links(self, conn: Connection, record_id: str) -> bool:
        """Whether any source still delivers ``record_id``."""
        query = select(exists().where(provenance_t.c.record_id == record_id))
        return bool(conn.execute(query).scalar())

    def lock_row(self, conn: Connection, record_id: str) -> StoredRow | None:
        """The stored row of one record, locked until the end of the transaction.

        PostgreSQL locks the row (``SELECT ... FOR UPDATE``); SQLite's write transactions
        already hold the database's write lock (``BEGIN IMMEDIATE``).
        """
        query = select(*row_columns()).where(records_t.c.id == record_id).with_for_update()
        row = conn.execute(query).first()
        return StoredRow(*row) if row is not None else None

    def erased_persons(self, conn: Connection, *, lock: bool = False) -> _Erased:
        """The ids of the persons erased from this workspace (GDPR erasure register).

        With ``lock``, on PostgreSQL, first wait for an erasure in progress to commit (it
        holds the records table), so that a writer never reads the register before it.
        """
        if lock and not self.is_sqlite:
            conn.exec_driver_sql("LOCK TABLE records IN ROW EXCLUSIVE MODE")
        return _Erased(conn.execute(select(erased_t.c.person_id)).scalars())

    def register_erasure(self, conn: Connection, person_ids: Iterable[str], at: datetime) -> None:
        """Add person ids to the erasure register (ids only: never names or e-mails)."""
        known = self.erased_persons(conn)
        fresh = sorted(set(person_ids) - known)
        rows = [{"person_id": person_id, "erased_at": at} for person_id in fresh]
        if rows:
            conn.execute(insert(erased_t), rows)

    def delete_record(self, conn: Connection, record_id: str) -> None:
        """Remove a record and everything that indexes it (for GDPR erasure only)."""
        for table in (terms_t, occurrences_t, provenance_t):
            conn.execute(delete(table).where(table.c.record_id == record_id))
        conn.execute(delete(records_t).where(records_t.c.id == record_id))

    # --- reading ---------------------------------------------------------------------------

    def select_rows(self, query: Select[Any]) -> list[StoredRow]:
        """Run a query built by [`RecordQuery`][rrma_core.storage.RecordQuery]."""
        with self.engine.connect() as conn:
            return [StoredRow(*row) for row in conn.execute(query)]

    def get_row(self, record_id: str) -> StoredRow | None:
        """The stored row of one record."""
        with self.engine.connect() as conn:
            return self.rows(conn, [record_id]).get(record_id)

    def count(self, record_type: str | None = None, *, withdrawn: bool = False) -> int:
        """How many records are stored (of one type; withdrawn ones only if asked)."""
        query = select(func.count()).select_from(records_t)
        if record_type:
            query = query.where(records_t.c.record_type == record_type)
        if not withdrawn:
            query = query.where(records_t.c.withdrawn_at.is_(None))
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar() or 0)


class _Erased(frozenset[str]):
    """The erased person ids, and the records found holding one (by id) as they are written."""

    changed: set[str]

    def __new__(cls, ids: Iterable[str]) -> _Erased:
        erased = super().__new__(cls, ids)
        erased.changed = set()
        return erased


@functools.cache
def _holds_persons(model: type[Record]) -> bool:
    """Whether records of ``model`` can hold a [`Person`][rrma_core.models.Person]."""
    from rrma_core.models import personal_fields

    return bool(personal_fields(model))


def _without(records: Sequence[Record], erased: _Erased) -> list[Record]:
    """``records``, each without the erased persons it holds."""
    cleaned = []
    for record in records:
        if _holds_persons(type(record)):
            found = {p.id for p in record.persons()} & erased
            for person_id in sorted(found):
                record = record.forget(person_id)
            if found:
                erased.changed.add(record.id)
        cleaned.append(record)
    return cleaned


def global_id(source_id: str) -> bool:
    """Whether a source id names the item beyond its source (an iCalendar UID such as
    ``2026-11-20-42@agenda.example.org``, a URL or a URN), so that two sources giving it
    mean the same item. Plain ids ("1", "42") are only unique within their source."""
    return "@" in source_id or source_id.startswith(("http://", "https://", "urn:", "tag:"))


def _record_title(record: Record) -> object:
    return getattr(record, "title", None) or getattr(record, "name", None)


_COMPILED: dict[tuple[str, str, str, tuple[str, ...]], tuple[str, tuple[str, ...] | None]] = {}

#: The indexed columns of ``records``, as ``index_record`` gives them.
#: The indexed columns that are not date-times (``Store.prepare`` copies them as they are).
_PLAIN_INDEXED_COLUMNS = ("commune", "departement", "region", "campaign_edition", "url_key")
#: The indexed columns, in the order of the ``records`` rows ``Store.prepare`` makes.
_INDEXED_COLUMNS = ("title", "category", "start_at", "end_at", "deadline", *_PLAIN_INDEXED_COLUMNS)
_RECORD_KEYS = (
    "id",
    "record_type",
    "data",
    "content_hash",
    "created_at",
    "updated_at",
    "withdrawn_at",
    *_INDEXED_COLUMNS,
)
_OCCURRENCE_KEYS = ("record_id", "seq", "start_at", "end_at", "all_day")
_TERM_KEYS = ("record_id", "facet", "code")


def _sqlite_time(value: datetime) -> str:
    """A date-time as SQLite stores it: naive UTC text in SQLAlchemy's own format.

    SQLite compares date-times as text: rows written here and values bound in queries must
    use the same format (``YYYY-MM-DD HH:MM:SS.ffffff``).
    """
    if value.tzinfo is not None:
        # Equal aware date-times are the same instant, hence the same text: a sync converts
        # the same few (its own time, the events' dates) over and over.
        return _aware_sqlite_time(value)
    return _format_sqlite_time(value)


@functools.lru_cache(maxsize=4096)
def _aware_sqlite_time(value: datetime) -> str:
    return _format_sqlite_time(value)


def _format_sqlite_time(value: datetime) -> str:
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    if value.year < 1000:  # ``isoformat`` pads the year, ``strftime`` does not
        return value.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    # The same text as that ``strftime``, three times faster (a cold sync converts ~70,000).
    return value.isoformat(" ", "microseconds")[:26]


def _insert_rows(
    conn: Connection,
    table: Any,
    keys: tuple[str, ...],
    rows: Sequence[tuple[Any, ...]],
    *,
    converted: bool = False,
) -> None:
    """INSERT many rows (tuples of the values of ``keys``) with one driver-level ``executemany``.

    The statement is compiled once per dialect by SQLAlchemy; the rows go to the driver
    as plain tuples or dicts, skipping SQLAlchemy's per-row parameter processing (the cost
    that dominated a cold sync). Date-times are stored as ``UTCDateTime`` does (``converted``:
    the rows' date-times are so already, as [`Store.prepare`][rrma_core.storage.Store.prepare]
    makes them).
    """
    if not converted:
        rows = _converted(conn, table, keys, rows)
    _execute_rows(conn, ("insert", table.name, keys), insert(table), keys, rows)


def _update_records(conn: Connection, rows: Sequence[tuple[Any, ...]]) -> None:
    """UPDATE ``records`` rows (prepared, as ``_RECORD_KEYS`` tuples) by id, driver-level."""
    # Binds may not be named as the columns they set: ``v_`` + the column's name.
    keys = tuple(f"v_{k}" for k in _RECORD_KEYS)
    statement = (
        update(records_t)
        .where(records_t.c.id == bindparam("v_id"))
        .values({k: bindparam(f"v_{k}") for k in _RECORD_KEYS if k != "id"})
    )
    _execute_rows(conn, ("update", "records", keys), statement, keys, rows)


def _converted(
    conn: Connection, table: Any, keys: tuple[str, ...], rows: Sequence[tuple[Any, ...]]
) -> list[tuple[Any, ...]]:
    """``rows`` with the values of their date-time columns converted as ``UTCDateTime`` does."""
    # Only the date-time columns need converting: convert those, pass the rest as they are.
    timed = [i for i, k in enumerate(keys) if isinstance(table.c[k].type, UTCDateTime)]
    if not timed:
        return list(rows)
    convert = _sqlite_time if conn.dialect.name == "sqlite" else _naive_utc
    converted = []
    for row in rows:
        values = list(row)
        for i in timed:
            if isinstance(values[i], datetime):
                values[i] = convert(values[i])
        converted.append(tuple(values))
    return converted


def _execute_rows(
    conn: Connection,
    key: tuple[str, str, tuple[str, ...]],
    statement: Any,
    keys: tuple[str, ...],
    rows: Sequence[tuple[Any, ...]],
) -> None:
    """Run ``statement`` once per row, its binds named by ``keys``, at the driver level."""
    cache_key = (conn.dialect.name, *key)
    if cache_key not in _COMPILED:
        compiled = statement.compile(dialect=conn.dialect, column_keys=list(keys))
        order = tuple(compiled.positiontup or ()) if compiled.positional else None
        _COMPILED[cache_key] = (str(compiled), order)
    sql, order = _COMPILED[cache_key]
    params: list[Any]
    if order is None:  # named parameters (psycopg)
        params = [dict(zip(keys, row, strict=True)) for row in rows]
    elif order == keys:
        params = list(rows)
    else:
        position = [keys.index(k) for k in order]
        params = [tuple(row[i] for i in position) for row in rows]
    conn.exec_driver_sql(sql, params)


def _naive_utc(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None)


def _chunks(values: Sequence[str], size: int = 500) -> Iterator[Sequence[str]]:
    """``values`` in slices small enough for one ``IN (...)`` on every database."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def row_columns() -> list[Any]:
    """The columns a query selects to rebuild records."""
    return [
        records_t.c.id,
        records_t.c.record_type,
        records_t.c.data,
        records_t.c.content_hash,
        records_t.c.created_at,
        records_t.c.withdrawn_at,
    ]


def term_filter(facet: str, codes: Sequence[str]) -> Any:
    """A condition: the record has one of ``codes`` under ``facet``."""
    return exists().where(
        and_(
            terms_t.c.record_id == records_t.c.id,
            terms_t.c.facet == facet,
            terms_t.c.code.in_(codes),
        )
    )


# Statements run once per source during a sync, built once.
_SOURCE_COLUMNS = (
    "connector",
    "state",
    "validators",
    "since",
    "last_run_at",
    "last_success_at",
    "last_status",
    "last_error",
)
_UPDATE_SOURCE = (
    update(sources_t)
    .where(sources_t.c.name == bindparam("b_name"))
    .values({c: bindparam(f"v_{c}") for c in _SOURCE_COLUMNS})
)
_INSERT_SOURCE = insert(sources_t)
_LINKED = select(
    provenance_t.c.source_id, provenance_t.c.record_id, provenance_t.c.content_hash
).where(provenance_t.c.source == bindparam("b_source"))
_ROWS = select(*row_columns()).where(records_t.c.id.in_(bindparam("b_ids", expanding=True)))
