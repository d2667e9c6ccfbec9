"""The database schema, its versions and the migrations between them.

Records are stored whole (as JSON) *and* indexed: the fields people filter on (dates,
territory codes, kinds, campaign edition, deadline) are columns, and the multi-valued ones
(themes, SDGs, countries, funders...) are rows of ``record_terms``, so that the same queries
run in plain SQL on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Connection

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "metadata", "tables_v1"]

#: The version of the schema this code writes. Opening an older database upgrades it.
SCHEMA_VERSION = 3


class UTCDateTime(TypeDecorator[datetime]):
    """Aware date-times stored as naive UTC on every database, returned aware (UTC)."""

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"refusing to store the naive date-time {value.isoformat()}")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def _record_tables(md: MetaData) -> None:
    Table("rrma_meta", md, Column("key", String(64), primary_key=True), Column("value", Text))
    Table(
        "records",
        md,
        Column("id", String(200), primary_key=True),
        Column("record_type", String(40), nullable=False),
        Column("data", Text, nullable=False),
        Column("content_hash", String(64), nullable=False),
        Column("created_at", UTCDateTime, nullable=False),
        Column("updated_at", UTCDateTime, nullable=False),
        Column("withdrawn_at", UTCDateTime),
        Column("title", Text),
        Column("category", String(64)),
        Column("start_at", UTCDateTime),
        Column("end_at", UTCDateTime),
        Column("deadline", UTCDateTime),
        Column("commune", String(5)),
        Column("departement", String(3)),
        Column("region", String(2)),
        Column("campaign_edition", String(200)),
        Column("url_key", String(64)),
        Index("ix_records_type_category", "record_type", "category"),
        Index("ix_records_type_start", "record_type", "start_at"),
        Index("ix_records_deadline", "deadline"),
        Index("ix_records_departement", "departement"),
        Index("ix_records_region", "region"),
        Index("ix_records_campaign_edition", "campaign_edition"),
        Index("ix_records_url_key", "url_key"),
    )
    Table(
        "record_terms",
        md,
        Column(
            "record_id",
            String(200),
            ForeignKey("records.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        Column("facet", String(40), primary_key=True),
        Column("code", String(200), primary_key=True),
        Index("ix_record_terms_facet_code", "facet", "code"),
    )
    Table(
        "occurrences",
        md,
        Column(
            "record_id",
            String(200),
            ForeignKey("records.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        Column("seq", Integer, primary_key=True),
        Column("start_at", UTCDateTime, nullable=False),
        Column("end_at", UTCDateTime, nullable=False),
        Column("all_day", Boolean, nullable=False),
        Index("ix_occurrences_start", "start_at"),
        Index("ix_occurrences_end", "end_at"),
    )
    Table(
        "provenance",
        md,
        Column("source", String(64), primary_key=True),
        Column("source_id", String(1000), primary_key=True),
        Column(
            "record_id",
            String(200),
            ForeignKey("records.id", ondelete="CASCADE"),
            nullable=False,
        ),
        Column("content_hash", String(64)),
        Column("seen_at", UTCDateTime),
        Index("ix_provenance_record", "record_id"),
    )
    Table(
        "sources",
        md,
        Column("name", String(64), primary_key=True),
        Column("connector", String(64), nullable=False),
        Column("state", Text, nullable=False, default="{}"),
        Column("validators", Text, nullable=False, default="{}"),
        Column("since", UTCDateTime),
        Column("last_run_at", UTCDateTime),
        Column("last_success_at", UTCDateTime),
        Column("last_status", String(20)),
        Column("last_error", Text),
    )


def tables_v1() -> MetaData:
    """The schema as version 1 created it (kept to test upgrades from it)."""
    md = MetaData()
    _record_tables(md)
    return md


def _sync_runs(md: MetaData) -> Table:
    return Table(
        "sync_runs",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("source", String(64), nullable=False),
        Column("started_at", UTCDateTime, nullable=False),
        Column("finished_at", UTCDateTime, nullable=False),
        Column("status", String(20), nullable=False),
        Column("fetched", Integer, nullable=False, default=0),
        Column("new", Integer, nullable=False, default=0),
        Column("updated", Integer, nullable=False, default=0),
        Column("unchanged", Integer, nullable=False, default=0),
        Column("withdrawn", Integer, nullable=False, default=0),
        Column("skipped", Integer, nullable=False, default=0),
        Column("error", Text),
        Index("ix_sync_runs_source", "source", "started_at"),
    )


def _erased_persons(md: MetaData) -> Table:
    # The ids of persons erased (GDPR): never names or e-mails. Records are cleaned of these
    # persons whenever they are stored, so a later sync or import cannot bring them back.
    return Table(
        "erased_persons",
        md,
        Column("person_id", String(200), primary_key=True),
        Column("erased_at", UTCDateTime, nullable=False),
    )


def _build() -> MetaData:
    md = MetaData()
    _record_tables(md)
    # Version 2: a history of sync runs per source, and an index to match items across
    # sources by their source ids.
    _sync_runs(md)
    Index("ix_provenance_source_id", md.tables["provenance"].c.source_id)
    # Version 3: the register of erased persons.
    _erased_persons(md)
    return md


#: The current schema.
metadata = _build()


def _to_v2(connection: Connection) -> None:
    md = tables_v1()
    _sync_runs(md).create(connection)
    Index("ix_provenance_source_id", md.tables["provenance"].c.source_id).create(connection)


def _to_v3(connection: Connection) -> None:
    _erased_persons(MetaData()).create(connection)


#: ``MIGRATIONS[n]`` upgrades a database from version ``n`` to ``n + 1``.
MIGRATIONS: dict[int, Callable[[Connection], Any]] = {1: _to_v2, 2: _to_v3}
