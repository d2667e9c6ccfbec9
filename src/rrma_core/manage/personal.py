"""Personal data (GDPR): finding a person, the right of access, the right of erasure.

Persons are [`Person`][rrma_core.models.Person] values inside records: actors' contacts,
trainers, trainees, meeting participants. Each has a stable ``id`` (a hash of the name and
e-mail), which is what the erasure register keeps: never a name or an e-mail.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import pydantic
from sqlalchemy import String, Text, select, update

from rrma_core.errors import StorageError
from rrma_core.manage._common import AmbiguousPerson, ManagementError
from rrma_core.models import Model, Person, Record
from rrma_core.models._base import utcnow
from rrma_core.storage._index import fold_name
from rrma_core.storage._schema import metadata
from rrma_core.storage._store import StoredRow, erased_t, records_t, row_columns
from rrma_core.vocabularies import use_registry
from rrma_core.vocabularies._core import fold

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from rrma_core.workspace import Workspace

__all__ = [
    "ERASED",
    "Appearance",
    "ForgetReport",
    "ForgottenRecord",
    "PersonMatch",
    "find_persons",
    "forget",
    "person_data",
]

ERASED = "[erased]"
"""What replaces an erased person's name or e-mail where it was written in free text."""


@dataclass(frozen=True)
class Appearance:
    """Where a person appears: a record and the path of the field inside it.

    Attributes:
        record_type: The record's type (``actor``, ``training``, ``space``...).
        record_id: The record's id.
        title: The record's title or name.
        path: The field, such as ``sessions[s1].registrations[0].trainee``.
    """

    record_type: str
    record_id: str
    title: str
    path: str


@dataclass
class PersonMatch:
    """A person found in the records, under one id, with every place they appear.

    Attributes:
        person_id: The person's id.
        names: The names written for this id.
        emails: The e-mails written for this id.
        appearances: Where the person appears.
    """

    person_id: str
    names: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    appearances: list[Appearance] = field(default_factory=list)

    def where(self) -> str:
        """The places this person appears, in a few words (for messages)."""
        return ", ".join(f"{a.record_type} {a.record_id} ({a.path})" for a in self.appearances)


def _persons(obj: Model, path: str = "") -> Iterator[tuple[str, Person, Model]]:
    """``(path, person, holder)`` for each person inside ``obj``, at any depth."""
    for name in type(obj).model_fields:
        value = getattr(obj, name)
        here = f"{path}.{name}" if path else name
        if isinstance(value, Person):
            yield here, value, obj
        elif isinstance(value, Model):
            yield from _persons(value, here)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, Person):
                    yield f"{here}[{index}]", item, obj
                elif isinstance(item, Model):
                    key = getattr(item, "id", None)
                    label = key if isinstance(key, str) and key else str(index)
                    yield from _persons(item, f"{here}[{label}]")


def _title(record: Record) -> str:
    title = getattr(record, "title", None) or getattr(record, "name", None) or ""
    return str(title)


def _person_types(ws: Workspace) -> list[str]:
    from rrma_core.models import MODELS
    from rrma_core.storage._store import _holds_persons

    models = [*MODELS.values(), *(c.record_type for c in ws.plugins.connectors().values())]
    return sorted({m.record_type for m in models if _holds_persons(m)})


def _records(ws: Workspace, conn: Connection | None = None) -> list[Record]:
    query = select(*row_columns()).where(records_t.c.record_type.in_(_person_types(ws)))
    if conn is None:
        rows = ws.store.select_rows(query.order_by(records_t.c.id))
    else:
        rows = [StoredRow(*r) for r in conn.execute(query.order_by(records_t.c.id))]
    return ws._load(rows)


def _is_match(candidate: Person, query: str) -> bool:
    text = query.strip()
    if text == candidate.id:
        return True
    if "@" in text:
        return (candidate.email or "").casefold() == text.casefold()
    return fold_name(candidate.name) == fold_name(text)


def find_persons(ws: Workspace, query: str) -> list[PersonMatch]:
    """The persons whose id, e-mail or name is ``query`` (case and accents ignored).

    Args:
        ws: The workspace.
        query: A person id (``person-...``), an e-mail, or a name.

    Returns:
        One match per person id, with every record and field where it appears (withdrawn
        records included), by id.
    """
    found: dict[str, PersonMatch] = {}
    for record in _records(ws):
        for path, candidate, _ in _persons(record):
            if not _is_match(candidate, query):
                continue
            match = found.setdefault(candidate.id, PersonMatch(candidate.id))
            if candidate.name not in match.names:
                match.names.append(candidate.name)
            if candidate.email and candidate.email not in match.emails:
                match.emails.append(candidate.email)
            appearance = Appearance(record.record_type, record.id, _title(record), path)
            match.appearances.append(appearance)
    return [found[k] for k in sorted(found)]


def _resolve(ws: Workspace, query: str) -> list[PersonMatch]:
    matches = find_persons(ws, query)
    if not matches:
        with ws.store.engine.connect() as conn:
            erased = query.strip() in ws.store.erased_persons(conn)
        hint = " (that id was erased already)" if erased else ""
        raise ManagementError(f"no person matches {query!r} in the stored records{hint}")
    if len(matches) > 1 and "@" not in query:
        listing = "; ".join(f"{m.person_id}: {m.where()}" for m in matches)
        raise AmbiguousPerson(
            f"{len(matches)} persons match {query!r}: give an id or e-mail. {listing}"
        )
    return matches


def _context(holder: Model) -> dict[str, Any]:
    data = holder.without_personal_data().model_dump(mode="json", exclude_none=True)
    return {k: v for k, v in data.items() if not isinstance(v, list | dict)}


def person_data(ws: Workspace, query: str) -> dict[str, Any]:
    """Everything stored about a person (GDPR right of access), as JSON-ready data.

    Args:
        ws: The workspace.
        query: A person id, an e-mail (every id with this e-mail), or a name (one person).

    Returns:
        ``{"query", "generated_at", "persons": [{"id", "names", "emails"}], "records":
        [{"record_type", "record_id", "title", "path", "person", "context"}]}``: for each
        place the person appears, their data there and what it is about (a registration's
        status, hours and score; a meeting's title and day...).

    Raises:
        ManagementError: when nobody matches.
        AmbiguousPerson: when a name matches several persons.
    """
    matches = _resolve(ws, query)
    ids = {m.person_id for m in matches}
    entries: list[dict[str, Any]] = []
    for record in _records(ws):
        for path, candidate, holder in _persons(record):
            if candidate.id in ids:
                entries.append(
                    {
                        "record_type": record.record_type,
                        "record_id": record.id,
                        "title": _title(record),
                        "path": path,
                        "person": candidate.model_dump(mode="json", exclude_none=True),
                        "context": _context(holder),
                    }
                )
    return {
        "query": query,
        "generated_at": utcnow().isoformat(),
        "persons": [{"id": m.person_id, "names": m.names, "emails": m.emails} for m in matches],
        "records": entries,
    }


@dataclass(frozen=True)
class ForgottenRecord:
    """One record an erasure changed.

    Attributes:
        record_type: Its type.
        record_id: Its id.
        paths: The fields the person was removed from.
        mentions: How many times their name or e-mail was replaced in free text.
    """

    record_type: str
    record_id: str
    paths: list[str]
    mentions: int = 0


@dataclass
class ForgetReport:
    """What [`forget`][rrma_core.manage.forget] did.

    Attributes:
        person_ids: The ids erased, now in the erasure register.
        records: The records changed.
        cleaned: Other places cleaned of the name or e-mail (``table.column``: count), such
            as a sync's error message.
        leftovers: Places that could not be cleaned (a key column): check them by hand.
    """

    person_ids: list[str]
    records: list[ForgottenRecord] = field(default_factory=list)
    cleaned: dict[str, int] = field(default_factory=dict)
    leftovers: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (it holds ids, never names)."""
        return asdict(self)


def _needles(matches: list[PersonMatch]) -> list[str]:
    """What identifies the person in free text: their e-mails, and their names of two words
    or more. A one-word name ("Paul") is left alone: it is as likely a part of another name
    (Saint-Paul) or word, and erasing it there would damage other records."""
    words = {e.strip() for m in matches for e in m.emails if e.strip()}
    words |= {n.strip() for m in matches for n in m.names if len(n.split()) >= 2}
    return sorted(words, key=lambda w: (-len(w), w))


def _pattern(needle: str) -> re.Pattern[str]:
    """``needle`` as a whole: not inside a longer word or a hyphenated name, any spacing."""
    words = r"\s+".join(re.escape(w) for w in needle.split())
    return re.compile(rf"(?<![\w@.-]){words}(?![\w@-])", re.IGNORECASE)


def _replace_text(value: str, patterns: list[re.Pattern[str]]) -> tuple[str, int]:
    total = 0
    for pattern in patterns:
        value, count = pattern.subn(ERASED, value)
        total += count
    return value, total


def _scrub(data: Any, patterns: list[re.Pattern[str]], key: str = "") -> tuple[Any, int]:
    if isinstance(data, str):
        if key == "id" or data.startswith(("http://", "https://")):
            return data, 0
        return _replace_text(data, patterns)
    if isinstance(data, list):
        done = [_scrub(v, patterns) for v in data]
        return [v for v, _ in done], sum(c for _, c in done)
    if isinstance(data, dict):
        total = 0
        out: dict[str, Any] = {}
        for k, v in data.items():
            out[k], count = _scrub(v, patterns, k)
            total += count
        return out, total
    return data, 0


def _without_mentions(
    ws: Workspace, record: Record, patterns: list[re.Pattern[str]]
) -> tuple[Record, int]:
    data, count = _scrub(record.model_dump(mode="json"), patterns)
    if not count:
        return record, 0
    try:
        with use_registry(ws.vocabularies):
            return type(record).model_validate(data), count
    except pydantic.ValidationError as error:
        raise StorageError(
            f"cannot erase the mentions of the person in {record.record_type} {record.id!r}: "
            f"{error.errors()[0]['msg']}"
        ) from None


def forget(ws: Workspace, query: str, *, now: datetime | None = None) -> ForgetReport:
    """Erase a person from every record (GDPR right of erasure), keeping every figure.

    In one transaction: the person is removed from every record of every type (actors'
    contacts, trainers, trainees, meeting participants...; a registration stays, without
    its trainee, so attendance figures and indicators do not change), their e-mail and
    their name (when it has two words or more: a one-word name such as "Paul" is too likely
    part of another name, such as Saint-Paul) are replaced by ``[erased]`` where free text
    holds them, the records are indexed again,
    other tables are cleaned, and the person's id goes into the erasure register, so that a
    later sync or import of a source that still holds them does not bring them back.

    Args:
        ws: The workspace.
        query: A person id, an e-mail (every id with this e-mail), or a name (one person).
        now: The time written in the register (default: now).

    Returns:
        What was erased, and where.

    Raises:
        ManagementError: when nobody matches.
        AmbiguousPerson: when a name matches several persons.
    """
    matches = _resolve(ws, query)
    ids = sorted({m.person_id for m in matches})
    needles = _needles(matches)
    patterns = [_pattern(n) for n in needles]
    probes = {n.casefold() for n in needles} | {fold_name(n) for n in needles}
    probes |= {fold(n) for n in needles} | set(ids)
    probes.discard("")
    when = now or utcnow()
    report = ForgetReport(person_ids=ids)
    store = ws.store
    with store.engine.connect() as conn:
        conn = conn.execution_options(rrma_write=True)
        # SQLite: erased bytes are zeroed rather than left in free pages (set outside of
        # SQLAlchemy's transaction, on the driver's connection).
        _sqlite_pragma(conn, "PRAGMA secure_delete=ON")
        try:
            with conn.begin():
                if not store.is_sqlite:
                    # No writer may store a record until the register holds the ids.
                    conn.exec_driver_sql("LOCK TABLE records IN EXCLUSIVE MODE")
                store.register_erasure(conn, ids, when)
                _forget_records(ws, conn, ids, patterns, probes, when, report)
                _clean_tables(conn, patterns, probes, report)
        finally:
            _sqlite_pragma(conn, "PRAGMA secure_delete=OFF")
        # Old versions of the pages stay in the write-ahead log until a checkpoint.
        _sqlite_pragma(conn, "PRAGMA wal_checkpoint(TRUNCATE)")
    return report


def _sqlite_pragma(conn: Connection, pragma: str) -> None:
    if conn.dialect.name == "sqlite":
        driver = conn.connection.driver_connection
        assert driver is not None
        driver.execute(pragma).fetchall()


def _holds(row: Any, probes: set[str]) -> bool:
    text = str(row.data).casefold()
    return any(p in text for p in probes)


def _forget_records(
    ws: Workspace,
    conn: Connection,
    ids: list[str],
    patterns: list[re.Pattern[str]],
    probes: set[str],
    when: datetime,
    report: ForgetReport,
) -> None:
    rows = [StoredRow(*r) for r in conn.execute(select(*row_columns()).order_by(records_t.c.id))]
    wanted = set(ids)
    changed: list[Record] = []
    for record in ws._load([r for r in rows if _holds(r, probes)]):
        paths = [p for p, candidate, _ in _persons(record) if candidate.id in wanted]
        for person_id in ids:
            record = record.forget(person_id)
        record, mentions = _without_mentions(ws, record, patterns)
        if paths or mentions:
            changed.append(record.model_copy(update={"updated_at": max(when, record.created_at)}))
            report.records.append(ForgottenRecord(record.record_type, record.id, paths, mentions))
    ws.store.write_many(conn, [], changed)


def _clean_tables(
    conn: Connection, patterns: list[re.Pattern[str]], probes: set[str], report: ForgetReport
) -> None:
    """Replace the name and e-mail in every other text column of every table."""
    for table in metadata.sorted_tables:
        if table is erased_t:
            continue
        keys = list(table.primary_key.columns)
        for column in table.columns:
            if not isinstance(column.type, String | Text) or (
                table is records_t and column.name == "data"
            ):
                continue
            query = select(*keys, column).where(column.is_not(None))
            for row in conn.execute(query):
                value = str(row[-1])
                if not any(p in value.casefold() for p in probes):
                    continue
                where = f"{table.name}.{column.name}"
                if column.primary_key:
                    report.leftovers.append(where)
                    continue
                new, count = _replace_text(value, patterns)
                if count:
                    conn.execute(
                        update(table)
                        .where(*(k == row[i] for i, k in enumerate(keys)))
                        .values({column.name: new})
                    )
                    report.cleaned[where] = report.cleaned.get(where, 0) + count
                else:
                    report.leftovers.append(where)
