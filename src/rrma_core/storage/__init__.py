"""Storage: the workspace database (SQLite by default, PostgreSQL for a shared server)."""

from __future__ import annotations

from rrma_core.storage._index import canonical_url, index_record, url_key
from rrma_core.storage._query import RecordQuery
from rrma_core.storage._schema import SCHEMA_VERSION, tables_v1
from rrma_core.storage._store import RecordRows, SourceState, Store, StoredRow, WriteCounter

__all__ = [
    "SCHEMA_VERSION",
    "RecordQuery",
    "RecordRows",
    "SourceState",
    "Store",
    "StoredRow",
    "WriteCounter",
    "canonical_url",
    "index_record",
    "tables_v1",
    "url_key",
]
