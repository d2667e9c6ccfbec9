"""Sync: bring every source's items into the store, safely.

For each source the engine runs the connector's ``fetch`` (sources run concurrently, in a
bounded pool), validates every item (a bad item is skipped and reported, never fatal), lets
plugins enrich and match records, then writes the source's records, state, HTTP validators
and ``since`` mark in **one transaction**. Anything that goes wrong with a source (an HTTP
error, an HTML page where a feed was expected, an exception, a kill) leaves that source's
stored data exactly as it was; the other sources carry on.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import logging
import multiprocessing as mp
import os
import pickle
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sized
from concurrent.futures import (
    FIRST_COMPLETED,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait,
)
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

import pydantic
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from rrma_core._http import SafeSession, Validators, own_threads
from rrma_core.connectors import (
    ActorLookup,
    Connector,
    FetchContext,
    NotModified,
    SkippedItem,
    describe_item,
)
from rrma_core.errors import ConfigError, InvalidRecord, PluginError, RrmaError, problems_of
from rrma_core.models import Actor, Provenance, Record
from rrma_core.models._base import utcnow
from rrma_core.storage import RecordQuery, RecordRows, SourceState, Store, StoredRow, url_key
from rrma_core.storage._index import fold_name
from rrma_core.storage._store import global_id
from rrma_core.vocabularies import use_registry

if TYPE_CHECKING:
    from rrma_core.config import SourceConfig
    from rrma_core.workspace import Workspace

__all__ = ["SourceReport", "SyncReport", "run_sync"]

log = logging.getLogger("rrma_core.sync")

Status = Literal["ok", "not-modified", "failed"]
#: ``progress(source, event, detail)``: event is "start", "fetched" or "done".
ProgressCallback = Callable[[str, str, "SourceReport | None"], None]

_MAX_SOURCE_ID = 1000


@dataclass
class SourceReport:
    """What happened to one source during a sync."""

    source: str
    connector: str
    status: Status = "ok"
    fetched: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    skipped: list[SkippedItem] = field(default_factory=list)
    warnings: list[SkippedItem] = field(default_factory=list)
    error: str | None = None
    started_at: datetime = field(default_factory=utcnow)
    finished_at: datetime | None = None

    @property
    def ok(self) -> bool:
        """Whether the source succeeded (a 304 counts as success)."""
        return self.status != "failed"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able summary."""
        return {
            "source": self.source,
            "connector": self.connector,
            "status": self.status,
            "fetched": self.fetched,
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "withdrawn": self.withdrawn,
            "skipped": [{"item": s.item, "reason": s.reason} for s in self.skipped],
            "warnings": [{"item": w.item, "message": w.reason} for w in self.warnings],
            "error": self.error,
        }


@dataclass
class SyncReport:
    """The reports of every source of one sync."""

    sources: list[SourceReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether every source succeeded."""
        return all(s.ok for s in self.sources)

    @property
    def failed(self) -> list[SourceReport]:
        """The sources that failed."""
        return [s for s in self.sources if not s.ok]

    def totals(self) -> dict[str, int]:
        """Counts added up over the sources."""
        keys = ("fetched", "new", "updated", "unchanged", "withdrawn")
        totals = {k: sum(getattr(s, k) for s in self.sources) for k in keys}
        totals["skipped"] = sum(len(s.skipped) for s in self.sources)
        totals["failed"] = len(self.failed)
        return totals

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able summary."""
        return {
            "ok": self.ok,
            "totals": self.totals(),
            "sources": [s.to_dict() for s in self.sources],
        }


@dataclass
class _Item:
    record: Record
    source_id: str
    content_hash: str = ""
    given_id: bool = False

    def __post_init__(self) -> None:
        if not self.content_hash:
            self.content_hash = self.record.content_hash()


@dataclass
class _Fetched:
    """The outcome of the fetch phase of one source (nothing written yet)."""

    report: SourceReport
    items: list[_Item] = field(default_factory=list)
    state: dict[str, Any] = field(default_factory=dict)
    validators: dict[str, Validators] = field(default_factory=dict)
    started: datetime = field(default_factory=utcnow)
    snapshot: bool = False
    keep_ids: bool = False
    removed: list[str] = field(default_factory=list)
    #: The time the source's records are written at (set when the fetch succeeded).
    now: datetime | None = None
    prepared: _Prepared | None = None


@dataclass
class _Prepared:
    """The records and rows of a source's new-looking items, made before its write.

    Made outside the write lock (which, in a sync of several processes, every process waits
    for): the write then only decides, by what the store holds, and runs the statements.
    Anything the write decides otherwise is made there, as without this.
    """

    #: ``source_id ->`` the record to insert if the item is new (see ``_Runner._new_record``).
    records: dict[str, Record] = field(default_factory=dict)
    #: ``record_id ->`` the rows of those records.
    rows: dict[str, RecordRows] = field(default_factory=dict)


def _source_id_of(raw: Mapping[str, Any] | Record) -> tuple[dict[str, Any] | Record, str | None]:
    """Split the engine's keys (``source_id``, ``source_url``) off a yielded item."""
    if isinstance(raw, Record):
        first = raw.provenance[0].source_id if raw.provenance else None
        return raw, first
    data = dict(raw)
    source_id = data.pop("source_id", None)
    data.pop("source_url", None)
    if source_id is None:
        provenance = data.get("provenance")
        if isinstance(provenance, list) and provenance and isinstance(provenance[0], Mapping):
            source_id = provenance[0].get("source_id")
    return data, None if source_id is None else str(source_id)


class _Runner:
    def __init__(
        self,
        workspace: Workspace,
        progress: ProgressCallback | None,
        *,
        http: SafeSession | None = None,
        write_lock: AbstractContextManager[Any] | None = None,
    ) -> None:
        self.ws = workspace
        self.http = http or workspace.http
        self.store: Store = workspace.store
        self.plugins = workspace.plugins
        self.registry = workspace.vocabularies
        self.progress = progress or (lambda source, event, report: None)
        self.match_hook_used = bool(self.plugins.hook.rrma_match_record.get_hookimpls())
        self.enrich_hook_used = bool(self.plugins.hook.rrma_enrich_record.get_hookimpls())
        # One source written at a time (by every process of the sync, when it has several).
        self._write_lock = write_lock or threading.Lock()
        # Clear while this process writes: its fetch threads then wait between items.
        self._fetch_gate = threading.Event()
        self._fetch_gate.set()
        self.states: dict[str, SourceState] = {}

    # --- fetch phase (worker threads) ------------------------------------------------------

    def fetch(self, config: SourceConfig) -> _Fetched:
        report = SourceReport(source=config.name, connector=config.connector)
        outcome = _Fetched(report)
        self.progress(config.name, "start", None)
        self._fetch_gate.wait()  # not while this process writes (see ``_fetches_paused``)
        try:
            with use_registry(self.registry):
                self._fetch(config, outcome)
        except NotModified:
            report.status = "not-modified"
            outcome.items.clear()
        except RrmaError as error:
            report.status, report.error = "failed", str(error)
        except Exception as error:  # a connector's bug must not sink the sync
            report.status = "failed"
            report.error = f"{type(error).__name__}: {error}"
            log.debug("source %s failed:\n%s", config.name, traceback.format_exc())
        self.progress(config.name, "fetched", report)
        return outcome

    def _fetch(self, config: SourceConfig, outcome: _Fetched) -> None:
        connector_cls = self.plugins.connector(config.connector)
        options = connector_cls.parse_options(config.name, config.options)
        connector: Connector[Any] = connector_cls(options)
        stored = self.states.get(config.name) or SourceState(config.name, config.connector)
        ctx = FetchContext(
            source=config.name,
            http=self.http,
            timezone=self.ws.timezone,
            since=stored.since,
            state=json.loads(json.dumps(stored.state)),
            validators={u: Validators.from_dict(v) for u, v in stored.validators.items()},
            root=self.ws.root,
            actor_finder=self._find_actor,
        )
        trust_ids = connector_cls.trust_ids if config.trust_ids is None else config.trust_ids
        model = connector.record_type
        seen: dict[str, int] = {}
        for raw in connector.fetch(ctx):
            self._fetch_gate.wait()
            outcome.report.fetched += 1
            item = self._validate(model, raw, config.name, ctx, trust_ids)
            if item is None:
                continue
            if item.source_id in seen:  # the same item twice in one feed: keep the first
                ctx.skip(item.source_id, "duplicate of an earlier item in the same fetch")
                continue
            seen[item.source_id] = len(outcome.items)
            outcome.items.append(item)
        # An instance may decide from its options (the jsonl connector's ``snapshot``).
        outcome.snapshot = bool(connector.snapshot)
        outcome.keep_ids = bool(connector.keep_ids)
        if outcome.snapshot and outcome.report.fetched and not outcome.items:
            raise RrmaError(
                f"all {outcome.report.fetched} items were invalid; keeping the stored ones "
                f"(first problem: {ctx.skipped[0] if ctx.skipped else 'unknown'})"
            )
        if outcome.snapshot and outcome.report.fetched == 0:
            raise RrmaError(
                "the source returned no items at all; refusing to treat that as "
                "'everything was deleted' (check the source)"
            )
        outcome.report.skipped = ctx.skipped
        outcome.report.warnings = ctx.warnings
        outcome.removed = list(ctx.removed)
        outcome.state = ctx.state
        outcome.validators = ctx.validators
        try:
            json.dumps(outcome.state)
        except (TypeError, ValueError) as error:
            raise RrmaError(f"connector state is not JSON-serialisable: {error}") from None

    def _prepare(self, source: str, outcome: _Fetched) -> None:
        """Make the records and rows of the items this source never delivered before.

        What the store holds is read again by the write, in its transaction, which decides;
        a guess proven wrong there only costs the work done here.
        """
        outcome.now = now = utcnow()
        if not outcome.items:
            return
        with self.store.engine.connect() as conn:
            linked = self.store.linked(conn, source)
        prepared = _Prepared()
        for item in outcome.items:
            if item.source_id in linked:
                continue
            record = self._new_record(source, item, outcome.keep_ids, now)
            prepared.records[item.source_id] = record
            prepared.rows[record.id] = self.store.prepare(record, item.content_hash)
        outcome.prepared = prepared

    def _validate(
        self,
        model: type[Record],
        raw: Mapping[str, Any] | Record,
        source: str,
        ctx: FetchContext,
        trust_ids: bool,
    ) -> _Item | None:
        data, source_id = _source_id_of(raw)
        name = source_id or describe_item(raw)
        try:
            if isinstance(data, Record):  # a record of its own model (an organiser's Actor...)
                record = type(data).model_validate(data.model_dump())
            else:
                record = model.parse(data, source=source, item=name)
        except InvalidRecord as error:
            ctx.skip(name, "; ".join(str(p) for p in error.problems))
            return None
        except pydantic.ValidationError as error:
            ctx.skip(name, "; ".join(str(p) for p in problems_of(error)))
            return None
        if self.enrich_hook_used:
            enriched = self._enrich(record, source, ctx, name)
            if enriched is None:
                return None
            record = enriched
        given_id = bool(data.id if isinstance(data, Record) else data.get("id"))
        try:
            content_hash = record.content_hash()
        except InvalidRecord as error:  # text UTF-8 cannot carry: this item only
            ctx.skip(name, "; ".join(str(p) for p in error.problems))
            return None
        if not trust_ids or not source_id:
            source_id = "hash:" + content_hash
        elif len(source_id) > _MAX_SOURCE_ID:
            source_id = "sha256:" + hashlib.sha256(source_id.encode()).hexdigest()
        return _Item(record, source_id, content_hash, given_id=given_id)

    def _find_actor(self, lookup: ActorLookup) -> Actor | None:
        """The stored actor a connector's organiser is, by identifier then by name."""
        query = RecordQuery("actor", self.ws.timezone)
        for facet, value in (("siret", lookup.siret), ("siren", lookup.siren), ("rna", lookup.rna)):
            if value:
                cleaned = "".join(value.split()).upper()
                rows = self.store.select_rows(
                    RecordQuery("actor", self.ws.timezone).where_term(facet, cleaned).select(1)
                )
                if rows:
                    return Actor.model_validate_json(rows[0].data)
        if lookup.name:
            rows = self.store.select_rows(
                query.where_term("name", fold_name(lookup.name)).select(1)
            )
            if rows:
                return Actor.model_validate_json(rows[0].data)
        return None

    def _enrich(self, record: Record, source: str, ctx: FetchContext, name: str) -> Record | None:
        """Merge every plugin's field updates, in plugin order, then validate again."""
        try:
            answers = self.plugins.call_each(
                "rrma_enrich_record", {"record": record, "source": source}
            )
        except PluginError as error:
            ctx.skip(name, str(error))
            return None
        updates: dict[str, Any] = {}
        for _plugin, answer in reversed(answers):  # pluggy calls the last loaded first
            if answer:
                updates.update(answer)
        if not updates:
            return record
        try:
            return type(record).model_validate({**record.model_dump(), **updates})
        except pydantic.ValidationError as error:
            problems = "; ".join(str(p) for p in problems_of(error))
            plugins = ", ".join(plugin for plugin, answer in answers if answer)
            ctx.skip(name, f"enrichment by plugin {plugins} made it invalid: {problems}")
            return None

    # --- write phase (each source atomic: a savepoint in its batch's transaction) -----------

    def write(self, batch: list[tuple[SourceConfig, _Fetched]]) -> None:
        """Write fetched sources: one transaction, each source in a savepoint of its own.

        A source that fails rolls back to its savepoint (its stored data stays as it was)
        and the others go on; one commit for the batch saves a commit per source, the
        costliest statement of a write. The sources ready when the writer comes free make
        a batch: a few when fetches run ahead of the writes, one otherwise.
        """
        for config, outcome in batch:
            try:
                # Outside the lock: another process of the sync may write meanwhile.
                with use_registry(self.registry):
                    self._prepare(config.name, outcome)
            except Exception as error:  # the write makes them itself, and reports any problem
                log.debug("preparing %s failed: %s", config.name, error)
                outcome.prepared = None
        reports = [outcome.report for _, outcome in batch]
        with self._write_lock, self._fetches_paused():
            for attempt in range(3):
                try:
                    with self.store.transaction() as conn:
                        for config, outcome in batch:
                            self._write_source(conn, config, outcome)
                    break
                except _TransactionLost as error:
                    for report in reports:
                        _forget_counts(report)
                        report.status, report.error = "failed", f"database error: {error}"
                    break
                except OperationalError as error:  # the transaction could not begin or commit
                    for report in reports:
                        _forget_counts(report)
                        if attempt == 2:
                            report.status = "failed"
                            report.error = report.error or f"database error: {error.orig}"
                except Exception as error:
                    for report in reports:
                        _forget_counts(report)
                        report.status = "failed"
                        report.error = report.error or f"{type(error).__name__}: {error}"
                    log.debug("writing %d sources failed:\n%s", len(batch), traceback.format_exc())
                    break
            for config, outcome in batch:
                if not outcome.report.ok:
                    self._record_failure(config, outcome.report)
        for config, outcome in batch:
            outcome.report.finished_at = utcnow()
            self.progress(config.name, "done", outcome.report)

    def _write_source(self, conn: Connection, config: SourceConfig, outcome: _Fetched) -> None:
        """Write one source in a savepoint of ``conn``'s transaction; note why it failed."""
        report = outcome.report
        report.status = "ok"
        report.error = None
        for attempt in range(3):
            try:
                self._write_in_savepoint(conn, config, outcome)
                return
            except _TransactionLost:
                raise
            except (IntegrityError, OperationalError) as error:
                # Another process wrote the same items at the same time: start again.
                _forget_counts(report)
                if attempt == 2:
                    report.status, report.error = "failed", f"database error: {error.orig}"
            except DBAPIError as error:
                report.status, report.error = "failed", f"database error: {error.orig}"
                break
            except RrmaError as error:
                report.status, report.error = "failed", str(error)
                break
            except Exception as error:
                report.status, report.error = "failed", f"{type(error).__name__}: {error}"
                log.debug("writing %s failed:\n%s", config.name, traceback.format_exc())
                break
        # Rolled back to the savepoint: nothing was new, updated or withdrawn.
        _forget_counts(report)

    def _write_in_savepoint(
        self, conn: Connection, config: SourceConfig, outcome: _Fetched
    ) -> None:
        savepoint = conn.begin_nested()
        try:
            self._write(conn, config, outcome)
        except Exception as error:
            # SQLite rolls the whole transaction back on some errors (disk full, I/O error):
            # the sources written before this one are lost too, and a next savepoint would
            # open a transaction of its own. The whole batch fails.
            dbapi = conn.connection.dbapi_connection
            if getattr(dbapi, "in_transaction", True) is False:
                raise _TransactionLost(
                    f"the database rolled the transaction back ({_innermost(error)})"
                ) from error
            savepoint.rollback()
            raise
        savepoint.commit()

    @contextmanager
    def _fetches_paused(self) -> Iterator[None]:
        """Hold this process's fetch threads between two items while a write runs.

        The database driver lets go of the interpreter lock at every statement and commit,
        and a thread that wants it back waits up to the switch interval (5 ms) when another
        thread is busy validating items: a write shared with busy fetch threads took twice
        as long, while the write lock made every process wait for it. Fetches waiting for
        the network carry on.
        """
        self._fetch_gate.clear()
        try:
            yield
        finally:
            self._fetch_gate.set()

    def _write(self, conn: Connection, config: SourceConfig, outcome: _Fetched) -> None:
        report = outcome.report
        now = outcome.now or utcnow()
        # The state read before the sync (the fetch used it); a concurrent process that
        # synced the same source since then loses to this run, which is the later one.
        state = self.states.get(config.name) or self.store.source_state(
            conn, config.name, config.connector
        )
        if report.status == "ok":
            linked = self.store.linked(conn, config.name)
            self._write_items(
                conn,
                config.name,
                outcome.items,
                linked,
                report,
                now,
                keep_ids=outcome.keep_ids,
                prepared=outcome.prepared or _Prepared(),
            )
            if outcome.snapshot:
                self._withdraw_missing(conn, config.name, outcome, linked, now)
            elif outcome.removed:
                removed = {sid: linked[sid][0] for sid in outcome.removed if sid in linked}
                self._withdraw(conn, config.name, removed, report, now)
            state.state = outcome.state
            state.validators = {u: v.to_dict() for u, v in outcome.validators.items()}
            state.since = outcome.started
            state.last_success_at = now
        state.connector = config.connector
        state.last_run_at = now
        state.last_status = report.status
        state.last_error = None
        self.store.save_source(conn, state)
        self.store.log_run(conn, _run_row(report, now))

    def _write_items(
        self,
        conn: Any,
        source: str,
        items: list[_Item],
        linked: dict[str, tuple[str, str | None]],
        report: SourceReport,
        now: datetime,
        *,
        keep_ids: bool = False,
        prepared: _Prepared,
    ) -> None:
        """Classify the items (unchanged, changed, matched, new) and write them in batches."""
        changed: dict[str, Record] = {}  # record id -> new version (existing rows)
        new: dict[str, Record] = {}  # record id -> record (rows to insert)
        new_links: list[tuple[str, str, str]] = []
        changed_links: list[tuple[str, str, str]] = []
        known = [(i, linked[i.source_id]) for i in items if i.source_id in linked]
        unknown = [i for i in items if i.source_id not in linked]
        stored = self.store.rows(conn, {rid for _, (rid, _) in known})

        def provenance(item: _Item) -> Provenance:
            return _provenance(source, item, now)

        def base(record_id: str, row: StoredRow | None) -> Record | None:
            if record_id in changed:
                return changed[record_id]
            if row is None:
                return None
            return self.ws.model_for(row.record_type).model_validate_json(row.data)

        for item, (record_id, previous_hash) in known:
            row = stored.get(record_id)
            # Unchanged: left as stored, withdrawn by hand included (a snapshot withdrawal
            # unlinks the item, so it does not come this way when it reappears).
            if previous_hash == item.content_hash and row is not None:
                report.unchanged += 1
                continue
            merged = _merge(item.record, record_id, provenance(item), base(record_id, row), now)
            changed[record_id] = merged
            changed_links.append((item.source_id, record_id, item.content_hash))
            report.updated += 1

        if unknown:
            # Each item as the record it becomes if it is new: matched by its content, type,
            # URL and provenance.
            probes = [
                prepared.records.get(i.source_id) or self._new_record(source, i, keep_ids, now)
                for i in unknown
            ]
            matches = self._matches(conn, source, probes)
            planned = [probe.id for probe in probes]
            existing = self.store.rows(conn, [*planned, *(m for m in matches if m)])
            for item, probe, match, new_id in zip(unknown, probes, matches, planned, strict=True):
                record_id = match or new_id
                row = existing.get(record_id)
                if (
                    row is not None
                    and not match
                    and not type(item.record).has_natural_id
                    and not _delivered_by(row, source, item.source_id)
                ):
                    # A kept id that another source (or a hand-entered record) already
                    # holds: this item is not that record. (One this source delivered
                    # before, withdrawn since, is: it comes back.)
                    record_id = type(item.record).make_id(source, item.source_id)
                    row = self.store.rows(conn, [record_id]).get(record_id)
                if row is not None and row.record_type != item.record.record_type:
                    # Never let a record of one type overwrite another type's.
                    record_id = type(item.record).make_id(source, item.source_id)
                    row = self.store.rows(conn, [record_id]).get(record_id)
                if record_id in new:  # twice in this batch (a natural id): merge
                    new[record_id] = _merge(
                        item.record, record_id, provenance(item), new[record_id], now
                    )
                    report.updated += 1
                elif row is not None or record_id in changed:
                    changed[record_id] = _merge(
                        item.record, record_id, provenance(item), base(record_id, row), now
                    )
                    report.updated += 1
                else:
                    if probe.id != record_id:
                        probe = probe.model_copy(update={"id": record_id})
                    new[record_id] = probe
                    report.new += 1
                new_links.append((item.source_id, record_id, item.content_hash))

        by_source_id = {i.source_id: i.content_hash for i in items}
        hashes = {rid: by_source_id[sid] for sid, rid, _ in [*new_links, *changed_links]}
        self.store.write_many(
            conn, list(new.values()), list(changed.values()), hashes=hashes, prepared=prepared.rows
        )
        self.store.link_many(conn, source, new_links, changed_links, now)

    def _new_record(self, source: str, item: _Item, keep_ids: bool, now: datetime) -> Record:
        """``item`` as the record it becomes if it is new, written at ``now``."""
        return item.record.model_copy(
            update={
                "id": self._new_id(source, item, keep_ids),
                "provenance": [_provenance(source, item, now)],
                "created_at": now,
                "updated_at": now,
                "withdrawn_at": None,
            }
        )

    @staticmethod
    def _new_id(source: str, item: _Item, keep_ids: bool) -> str:
        """The id of a record seen for the first time."""
        if type(item.record).has_natural_id or (keep_ids and item.given_id):
            return item.record.id
        return type(item.record).make_id(source, item.source_id)

    def _matches(self, conn: Any, source: str, probes: list[Record]) -> list[str | None]:
        """For each new item, the id of the stored record it is, if any (one query in all)."""
        rows = self.store.candidates(
            conn, probes, exclude_source=source, titles=self.match_hook_used
        )
        if not rows and not self.match_hook_used:
            return [None] * len(probes)
        source_ids = self.store.source_ids_of(conn, [r.id for r in rows])
        by_key: dict[str, list[Record]] = {}
        by_source_id: dict[str, list[Record]] = {}
        by_title: dict[str, list[Record]] = {}
        for row in rows:
            record = self.ws.model_for(row.record_type).model_validate_json(row.data)
            key = url_key(getattr(record, "url", None))
            if key:
                by_key.setdefault(key, []).append(record)
            title = _title(record)
            if title:
                by_title.setdefault(title, []).append(record)
            for source_id in source_ids.get(row.id, ()):
                by_source_id.setdefault(source_id, []).append(record)
        answers: list[str | None] = []
        for probe in probes:
            found: dict[str, Record] = {}
            key = url_key(getattr(probe, "url", None))
            source_id = probe.provenance[0].source_id or ""
            for candidate in [
                *by_key.get(key or "", []),
                *(by_source_id.get(source_id, []) if global_id(source_id) else []),
            ]:
                if candidate.record_type == probe.record_type:
                    found.setdefault(candidate.id, candidate)
            sure = list(found.values())
            answer: str | None = None
            if self.match_hook_used:
                title = _title(probe)
                for candidate in by_title.get(title, []) if title else []:
                    if candidate.record_type == probe.record_type:
                        found.setdefault(candidate.id, candidate)
                # A copy: the record's rows may be made already (see ``_Prepared``).
                hooked = self.plugins.hook.rrma_match_record(
                    record=probe.model_copy(), candidates=list(found.values())
                )
                answer = str(hooked) if hooked else None
            if answer is None and sure:
                answer = sure[0].id
            answers.append(answer)
        return answers

    def _withdraw_missing(
        self,
        conn: Any,
        source: str,
        outcome: _Fetched,
        linked: dict[str, tuple[str, str | None]],
        now: datetime,
    ) -> None:
        present = {item.source_id for item in outcome.items}
        gone = {sid: rid for sid, (rid, _) in linked.items() if sid not in present}
        self._withdraw(conn, source, gone, outcome.report, now)

    def _withdraw(
        self,
        conn: Any,
        source: str,
        gone: dict[str, str],
        report: SourceReport,
        now: datetime,
    ) -> None:
        """Unlink items the source no longer has; withdraw records no source delivers now.

        Unlinked, an item that comes back later is recognised again (its record keeps this
        source in its provenance) and its record is no longer withdrawn.
        """
        if not gone:
            return
        self.store.unlink(conn, source, gone)
        rows = self.store.rows(conn, set(gone.values()))
        for record_id, row in rows.items():
            if row.withdrawn_at is not None or self.store.has_links(conn, record_id):
                continue
            model = self.ws.model_for(row.record_type)
            record = model.model_validate_json(row.data)
            record = record.model_copy(
                update={"withdrawn_at": now, "updated_at": max(now, record.created_at)}
            )
            self.store.write(conn, record, exists_already=True)
            report.withdrawn += 1

    def _record_failure(self, config: SourceConfig, report: SourceReport) -> None:
        """Note the failure in the source's row and the run history, touching no record."""
        now = utcnow()
        try:
            with self.store.transaction() as conn:
                state = self.store.source_state(conn, config.name, config.connector)
                state.last_run_at = now
                state.last_status = "failed"
                state.last_error = report.error
                self.store.save_source(conn, state)
                self.store.log_run(conn, _run_row(report, now))
        except Exception as error:  # the report still says what went wrong
            log.warning("could not record the failure of %s: %s", config.name, error)

    # --- orchestration ---------------------------------------------------------------------

    def run(
        self,
        sources: Iterable[SourceConfig],
        *,
        states: dict[str, SourceState] | None = None,
        concurrency: int | None = None,
        pool: ThreadPoolExecutor | None = None,
    ) -> SyncReport:
        """Sync ``sources``: fetch them in ``pool`` (or a pool of its own), write each.

        Sources are taken from ``sources`` as fetch threads come free, at most two per
        thread ahead of the writes: memory stays bounded however many sources there are,
        and ``sources`` may be a generator (the child processes of a sync take their
        sources one at a time from those no process took yet).
        """
        # Every source's state in one query, before the fetches start.
        if states is None:
            states = {state.name: state for state in self.store.sources()}
        self.states = states
        workers = concurrency or self.ws.config.workspace.concurrency
        if isinstance(sources, Sized):
            workers = max(1, min(workers, len(sources)))
        waiting = iter(sources)
        taken: list[SourceConfig] = []
        reports: dict[str, SourceReport] = {}
        running: dict[Future[_Fetched], SourceConfig] = {}
        with (
            contextlib.nullcontext(pool)
            if pool is not None
            else ThreadPoolExecutor(max_workers=workers, thread_name_prefix="rrma-sync")
        ) as fetching:

            def start_more() -> None:
                while len(running) < 2 * workers:
                    config = next(waiting, None)
                    if config is None:
                        return
                    taken.append(config)
                    running[fetching.submit(self.fetch, config)] = config

            start_more()
            while running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                batch: list[tuple[SourceConfig, _Fetched]] = []
                for future in done:
                    config = running.pop(future)
                    outcome = future.result()
                    reports[config.name] = outcome.report
                    if self._to_write(config, outcome):
                        batch.append((config, outcome))
                start_more()  # the fetches go on while these are written
                if batch:
                    self.write(batch)
                # Keep only the reports: a source's items are let go once written.
                del batch, outcome, done, future
        return SyncReport([reports[c.name] for c in taken])

    def _to_write(self, config: SourceConfig, outcome: _Fetched) -> bool:
        """Whether a fetched source has something to write (else note what happened)."""
        if outcome.report.status == "failed":
            outcome.report.finished_at = utcnow()
            self._record_failure(config, outcome.report)
        elif outcome.report.status == "not-modified":
            # 304: nothing was parsed, and nothing is written, not even bookkeeping.
            outcome.report.finished_at = utcnow()
        else:
            return True
        self.progress(config.name, "done", outcome.report)
        return False


def _delivered_by(row: StoredRow, source: str, source_id: str) -> bool:
    """Whether the stored record came from item ``source_id`` of ``source``."""
    provenance = json.loads(row.data).get("provenance") or []
    return any(p.get("source") == source and p.get("source_id") == source_id for p in provenance)


def _title(record: Record) -> str | None:
    """The record's title (or name) as indexed, to find same-title candidates."""
    value = getattr(record, "title", None) or getattr(record, "name", None)
    return str(value)[:1000] if value is not None else None


def _merge(
    record: Record, record_id: str, provenance: Provenance, base: Record | None, now: datetime
) -> Record:
    """``record``'s content under ``record_id``, keeping ``base``'s other provenances."""
    others: list[Provenance] = []
    created = now
    if base is not None:
        created = base.created_at
        others = [
            p
            for p in base.provenance
            if not (p.source == provenance.source and p.source_id == provenance.source_id)
        ]
    return record.model_copy(
        update={
            "id": record_id,
            "provenance": [*others, provenance],
            "created_at": created,
            "updated_at": max(now, created),
            "withdrawn_at": None,
        }
    )


def _provenance(source: str, item: _Item, now: datetime) -> Provenance:
    """Where ``item`` of ``source`` came from, fetched at ``now``."""
    return Provenance(
        source=source,
        source_id=item.source_id,
        url=getattr(item.record, "url", None),
        fetched_at=now,
        content_hash=item.content_hash,
    )


class _TransactionLost(Exception):
    """The database rolled back the transaction of a batch of writes by itself."""


def _innermost(error: BaseException) -> str:
    """The driver's message of a database error (else the error's own)."""
    return str(getattr(error, "orig", None) or error)


def _forget_counts(report: SourceReport) -> None:
    """What a rolled-back write had counted: nothing was new, updated or withdrawn."""
    report.new = report.updated = report.unchanged = report.withdrawn = 0


def _run_row(report: SourceReport, now: datetime) -> dict[str, Any]:
    return {
        "source": report.source,
        "started_at": report.started_at,
        "finished_at": now,
        "status": report.status,
        "fetched": report.fetched,
        "new": report.new,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "withdrawn": report.withdrawn,
        "skipped": len(report.skipped),
        "error": report.error,
    }


# --- several processes ----------------------------------------------------------------------
#
# Parsing and validating items, and preparing their rows, is Python work that holds the
# interpreter lock: in one process, a sync uses one core however many threads fetch. A large
# sync therefore runs its sources in a few child processes made by ``fork`` (so that they
# have the parent's plugins, vocabularies and configuration as they are), each syncing some
# sources exactly as one process does: fetch, then one write transaction per source, through
# its own database connections and HTTP session. The parent only hands out the sources and
# gathers the reports. Two processes writing at once is the ordinary case the store is built
# for (SQLite's write lock and busy timeout, PostgreSQL's row locks).

#: Environment variable: how many processes a large sync may use (``1``: never more than one).
PROCESSES_ENV = "RRMA_SYNC_PROCESSES"
#: Below this many sources per process, the processes would cost more than they save.
_MIN_SOURCES_PER_PROCESS = 8


@dataclass
class _Shared:
    """What the child processes inherit from the parent (by ``fork``, not by pickling)."""

    workspace: Workspace
    configs: list[SourceConfig]
    states: dict[str, SourceState]
    processes: int
    #: Fetch threads per process.
    concurrency: int
    write_lock: _ProcessLock
    #: The index in ``configs`` of the next source no process took yet (a shared integer).
    next_source: Any
    #: Where the children send each source's report when it is done, and "end" (the writing
    #: end of a pipe; each message is written in one piece, see ``_SMALL_REPORT``).
    events: Any
    http: SafeSession | None = None
    pool: ThreadPoolExecutor | None = None


_shared: _Shared | None = None
#: Held while a sync of this process runs in child processes (``_shared`` is theirs).
_processes_in_use = threading.Lock()


class _ProcessLock:
    """The processes' write lock: one source written at a time, as in one process.

    SQLite would serialise the writers anyway, but its busy handler sleeps between tries
    (1, 2, 5, 10... ms), while this lock hands over at once. A process that waits longer
    than the database's busy timeout goes on without it (a process killed while holding it
    must not block the others); the database's own locks still apply.
    """

    def __init__(self, lock: Any) -> None:
        self._lock = lock
        self._held = threading.local()

    def __enter__(self) -> None:
        self._held.value = self._lock.acquire(timeout=60)
        if not self._held.value:
            log.warning("waited 60 s for another sync process to write; writing all the same")

    def __exit__(self, *exc: object) -> None:
        if self._held.value:
            self._lock.release()


def _process_count(workspace: Workspace, configs: list[SourceConfig]) -> int:
    """How many processes to sync ``configs`` with (1: in this process only)."""
    if not sys.platform.startswith("linux") or "fork" not in mp.get_all_start_methods():
        return 1
    setting = os.environ.get(PROCESSES_ENV, "").strip()
    try:
        wanted = int(setting) if setting else min(2, os.cpu_count() or 1)
    except ValueError:
        raise ConfigError(f"{PROCESSES_ENV}={setting!r}: give a number of processes") from None
    if not setting and threading.active_count() - len(own_threads()) > 1:
        # fork() copies only this thread: a lock another thread holds at that moment (in
        # the application around us: a web server, a scheduler...) would stay locked in
        # the child forever. Unless asked for explicitly, a multi-threaded program syncs
        # in its own process. (The HTTP deadline watchdog's thread is ours, and its lock
        # is made anew in a child.)
        return 1
    # Each process gets its share of the fetch threads and of the per-host request limit,
    # so that the sync as a whole stays within both.
    return max(
        1,
        min(
            wanted,
            workspace.config.workspace.concurrency,
            workspace.http.policy.per_host,
            len(configs) // _MIN_SOURCES_PER_PROCESS,
        ),
    )


def _start_child() -> None:
    """In a new child process: new database connections and HTTP session, none shared."""
    assert _shared is not None
    # The objects inherited from the parent live as long as the child: out of the garbage
    # collector's sight. A sync makes many objects and few cycles: collect less often (full
    # collections over the items held took about a tenth of a cold sync).
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)
    _shared.workspace.store.reopen_in_child()
    policy = _shared.workspace.http.policy
    per_host = max(1, policy.per_host // _shared.processes)
    _shared.http = SafeSession(policy.model_copy(update={"per_host": per_host}))
    _shared.pool = ThreadPoolExecutor(_shared.concurrency, thread_name_prefix="rrma-sync")


def _taken() -> Iterator[SourceConfig]:
    """In a child process: the sources it takes, one at a time, from those no process took."""
    assert _shared is not None
    counter = _shared.next_source
    while True:
        with counter.get_lock():
            index = counter.value
            counter.value = index + 1
        if index >= len(_shared.configs):
            return
        yield _shared.configs[index]


#: The largest report sent as soon as its source is done (pickled, in bytes). A message to
#: the parent stays under the size a pipe writes in one piece (PIPE_BUF, 4096 bytes on
#: Linux), so that a child killed while it writes never leaves half a message behind.
_SMALL_REPORT = 3500


@dataclass
class _ShareResult:
    """What a child sends back at the end: every report it made and the rows it wrote."""

    reports: list[SourceReport]
    writes: dict[str, int]


def _sync_share(index: int) -> _ShareResult:
    """In a child process: sync sources until none is left.

    Each source's report goes to the parent as soon as the source is done (for its progress
    bar; a large one, with many skipped items, waits for the end), then "end" when this
    process takes no more (with ``index``, this child's number). Every report comes back
    again with the result, which the process pool delivers whatever happens.
    """
    assert _shared is not None
    shared = _shared

    def _send(message: tuple[str, Any]) -> None:
        # One write of less than PIPE_BUF bytes: never interleaved with the other child's.
        shared.events.send_bytes(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))

    def done(source: str, event: str, report: SourceReport | None) -> None:
        if event == "done" and report is not None:
            data = pickle.dumps(report, protocol=pickle.HIGHEST_PROTOCOL)
            _send(("done", data if len(data) <= _SMALL_REPORT else None))

    try:
        store = shared.workspace.store
        store.writes.by_table.clear()
        runner = _Runner(shared.workspace, done, http=shared.http, write_lock=shared.write_lock)
        report = runner.run(
            _taken(), states=shared.states, concurrency=shared.concurrency, pool=shared.pool
        )
        return _ShareResult(report.sources, dict(store.writes.by_table))
    finally:
        _send(("end", index))


def _run_in_processes(
    workspace: Workspace,
    configs: list[SourceConfig],
    states: dict[str, SourceState],
    processes: int,
    progress: ProgressCallback | None,
) -> SyncReport:
    global _shared
    notify = progress or (lambda source, event, report: None)
    concurrency = max(1, workspace.config.workspace.concurrency // processes)
    reports: dict[str, SourceReport] = {}

    def report_done(report: SourceReport) -> None:
        if report.source not in reports:
            reports[report.source] = report
            notify(report.source, "start", None)
            notify(report.source, "fetched", report)
            notify(report.source, "done", report)

    context = mp.get_context("fork")
    next_source = context.Value("i", 0)
    events, sending = context.Pipe(duplex=False)
    lock = _ProcessLock(context.Lock())
    _shared = _Shared(
        workspace, configs, states, processes, concurrency, lock, next_source, sending
    )
    failures: list[str] = []
    try:
        with ProcessPoolExecutor(
            max_workers=processes, mp_context=context, initializer=_start_child
        ) as pool:
            futures = [pool.submit(_sync_share, index) for index in range(processes)]
            sending.close()  # the children have it: when they are all gone, reading ends
            try:
                for data in _messages(events, futures):
                    report_done(pickle.loads(data))
            except BaseException:  # an interrupt: no process takes another source
                with next_source.get_lock():
                    next_source.value = len(configs)
                # Read on (and drop) until the children end: one blocked on a full pipe
                # would never finish what it took.
                for _ in _messages(events, futures):
                    pass
                raise
            for future in futures:
                try:
                    result = future.result()
                except Exception as error:
                    failures.append(f"{type(error).__name__}: {error}")
                    continue
                for report in result.reports:
                    report_done(report)
                by_table = workspace.store.writes.by_table
                for table, rows in result.writes.items():
                    by_table[table] = by_table.get(table, 0) + rows
    finally:
        _shared = None
    missing = [c for c in configs if c.name not in reports]
    if missing:
        # A child died (killed, out of memory...): sync what it had not reported here, from
        # the states as stored now (what it committed is found unchanged).
        log.warning(
            "a sync process failed (%s); syncing its %d sources here",
            "; ".join(failures) or "no report",
            len(missing),
        )
        for source_report in _Runner(workspace, progress).run(missing).sources:
            reports[source_report.source] = source_report
    return SyncReport([reports[c.name] for c in configs])


def _messages(events: Any, futures: list[Future[_ShareResult]]) -> Iterator[bytes]:
    """The reports the children send as they go (pickled), until each child has sent "end"
    or can send no more."""
    ended: set[int] = set()
    while len(ended) < len(futures):
        # A child that returned has sent its "end", though maybe after its future is done:
        # wait for it. One whose future failed may never send it: it died (the pool is
        # then broken, every future fails and the others are stopped), or never started.
        failed = {
            i
            for i, f in enumerate(futures)
            if f.done() and (f.cancelled() or f.exception() is not None)
        }
        hopeless = set(range(len(futures))) - ended <= failed
        try:
            if not events.poll(0.05 if hopeless else 1.0):
                if hopeless:
                    return
                continue
            kind, value = pickle.loads(events.recv_bytes())
        except EOFError:  # every child is gone
            return
        if kind == "end":
            ended.add(value)
        elif value is not None:
            yield value


def run_sync(
    workspace: Workspace,
    sources: Iterable[SourceConfig],
    *,
    progress: ProgressCallback | None = None,
) -> SyncReport:
    """Sync ``sources`` into ``workspace``'s store and return the report.

    Prefer [`Workspace.sync`][rrma_core.Workspace.sync], which picks the sources and calls
    the ``rrma_sync_finished`` hook. A large sync (at least 16 sources) on Linux runs in two
    processes; the environment variable ``RRMA_SYNC_PROCESSES`` sets how many (``1``: one).
    """
    started = time.monotonic()
    configs = list(sources)
    # Every source's state in one query, before the fetches start.
    states = {state.name: state for state in workspace.store.sources()}
    processes = _process_count(workspace, configs)
    # A second sync started meanwhile by another thread of this program runs in this process.
    if processes > 1 and _processes_in_use.acquire(blocking=False):
        try:
            report = _run_in_processes(workspace, configs, states, processes, progress)
        finally:
            _processes_in_use.release()
    else:
        processes = 1
        report = _Runner(workspace, progress).run(configs, states=states)
    log.info(
        "sync of %d sources in %d process(es) took %.2fs",
        len(report.sources),
        processes,
        time.monotonic() - started,
    )
    return report
