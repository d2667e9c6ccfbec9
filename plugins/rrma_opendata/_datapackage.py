"""The ``datapackage`` exporter: a Frictionless data package for open-data portals."""

from __future__ import annotations

import hashlib
import io
import json
import operator
import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import UTC
from typing import IO, Any, ClassVar

from pydantic import Field, field_validator

from rrma_core.connectors import Options
from rrma_core.errors import RrmaError
from rrma_core.exporters import ExportContext, Exporter
from rrma_core.models import Event, Record
from rrma_opendata._cells import CellStyle, RowWriter, text_column_writers
from rrma_opendata._columns import (
    Batch,
    BatchGetter,
    Column,
    Env,
    Table,
    batches,
    column_values,
    group_by_model,
    sorted_occurrences,
    table_for,
)
from rrma_opendata._text import clean, slug

__all__ = ["LICENSES", "DataPackageExporter", "DataPackageOptions"]

#: Licences known by id: their title and text. Licence Ouverte 2.0 is what French public
#: bodies must use by default (décret n° 2017-638); ODbL is the other one they may choose.
LICENSES: dict[str, tuple[str, str]] = {
    "etalab-2.0": (
        "Licence Ouverte / Open Licence version 2.0",
        "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    ),
    "ODbL-1.0": (
        "Open Data Commons Open Database License 1.0",
        "https://opendatacommons.org/licenses/odbl/1-0/",
    ),
    "CC-BY-4.0": (
        "Creative Commons Attribution 4.0 International",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
    "CC-BY-SA-4.0": (
        "Creative Commons Attribution-ShareAlike 4.0 International",
        "https://creativecommons.org/licenses/by-sa/4.0/",
    ),
    "CC0-1.0": (
        "Creative Commons Zero v1.0 Universal",
        "https://creativecommons.org/publicdomain/zero/1.0/",
    ),
    "PDDL-1.0": (
        "Open Data Commons Public Domain Dedication and License 1.0",
        "https://opendatacommons.org/licenses/pddl/1-0/",
    ),
}
_LICENSE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_NAME = r"^[a-z0-9][a-z0-9._-]*$"

#: Tables in this order first, then the others by name.
_ORDER = ("actors", "events", "event-occurrences", "calls", "resources", "trainings")
_TEXT = {
    "fr": {
        "title": "{workspace} : données ouvertes",
        "description": "Annuaire, agenda, appels à projets et ressources publiés par "
        "{workspace} avec rrma_core. Les listes sont séparées par « | ».",
        "occurrences": "Dates des événements",
    },
    "en": {
        "title": "{workspace}: open data",
        "description": "Directory, events, calls for projects and resources published by "
        "{workspace} with rrma_core. Lists are separated by “|”.",
        "occurrences": "Event dates",
    },
}


class DataPackageOptions(Options):
    """Options of the ``datapackage`` exporter."""

    license: str = Field(
        default="etalab-2.0",
        description="The licence's id: `etalab-2.0` (Licence Ouverte 2.0, the default of "
        "French public bodies), `ODbL-1.0`, `CC-BY-4.0`, `CC-BY-SA-4.0`, `CC0-1.0`, "
        "`PDDL-1.0`, or another SPDX id.",
    )
    name: str | None = Field(
        default=None,
        pattern=_NAME,
        description="The package's name (lower case, digits, `.`, `_`, `-`); default: "
        "made from the workspace's name.",
    )
    title: str | None = Field(default=None, description="The package's title.")
    description: str | None = Field(default=None, description="The package's description.")

    @field_validator("license")
    @classmethod
    def _known_license(cls, value: str) -> str:
        for known in LICENSES:
            if value.casefold() == known.casefold():
                return known
        if not _LICENSE_ID.fullmatch(value):
            raise ValueError(f"{value!r} is not a licence id (such as {', '.join(LICENSES)})")
        return value


class _Digest(io.RawIOBase):
    """A binary stream that passes bytes on, counting and hashing them."""

    def __init__(self, target: IO[bytes]) -> None:
        self.target = target
        self.size = 0
        self.sha256 = hashlib.sha256()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self.target.write(chunk)
        self.sha256.update(chunk)
        self.size += len(chunk)
        return len(chunk)


class _Item(BatchGetter):
    """A getter reading one item of a tuple: the rows of ``event-occurrences`` are tuples."""

    __slots__ = ("get",)

    def __init__(self, index: int) -> None:
        self.get = operator.itemgetter(index)

    def values(self, batch: Batch) -> list[Any]:
        return list(map(self.get, batch.records))


def _occurrence_rows(events: Iterable[Record]) -> list[tuple[Any, ...]]:
    """The rows of ``event-occurrences``: ``(event id, number, start, end, last day, all
    day)`` for each occurrence of each event, first first."""
    return [
        (event.id, number, o.start, o.end, o.end or o.start, o.all_day)
        for event in events
        if isinstance(event, Event)
        for number, o in enumerate(sorted_occurrences(event), start=1)
    ]


def _occurrence_table() -> Table:
    """The dates of events, one row per occurrence, linked to ``events`` by ``event_id``."""
    return Table(
        "event-occurrences",
        Event,
        ("Dates des événements", "Event dates"),
        (
            Column(
                "event_id",
                "string",
                ("Événement", "Event"),
                _Item(0),
                constraints={"required": True},
            ),
            Column(
                "number",
                "integer",
                ("Numéro", "Number"),
                _Item(1),
                description=(
                    "Rang de la date, de la première à la dernière.",
                    "The occurrence's rank, first to last.",
                ),
                constraints={"required": True, "minimum": 1},
            ),
            Column("start", "datetime", ("Début", "Start"), _Item(2)),
            Column("end", "datetime", ("Fin", "End"), _Item(3)),
            Column("start_date", "date", ("Premier jour", "First day"), _Item(2)),
            Column("end_date", "date", ("Dernier jour", "Last day"), _Item(4)),
            Column("all_day", "boolean", ("Journée entière", "All day"), _Item(5)),
        ),
    )


def _field(column: Column, lang: str) -> dict[str, Any]:
    field: dict[str, Any] = {"name": column.name, "type": column.type}
    field["title"] = column.title_in(lang)
    description = column.description_in(lang)
    if column.many:
        extra = "Liste séparée par « | »." if lang == "fr" else "A list separated by “|”."
        description = f"{description} {extra}" if description else extra
    if column.vocabulary and not column.closed:
        extra = (
            f"Codes du vocabulaire « {column.vocabulary} » de rrma_core."
            if lang == "fr"
            else f"Codes of rrma_core's “{column.vocabulary}” vocabulary."
        )
        description = f"{description} {extra}" if description else extra
    if description:
        field["description"] = description
    constraints = dict(column.constraints)
    if column.closed and not column.many:
        constraints["enum"] = list(column.closed)
    if constraints:
        field["constraints"] = constraints
    return field


def _schema(table: Table, columns: Sequence[Column], lang: str) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "fields": [_field(c, lang) for c in columns],
        "missingValues": [""],
    }
    if table.name == "event-occurrences":
        schema["primaryKey"] = ["event_id", "number"]
        schema["foreignKeys"] = [
            {"fields": ["event_id"], "reference": {"resource": "events", "fields": ["id"]}}
        ]
    else:
        schema["primaryKey"] = ["id"]
    return schema


def _license(value: str) -> dict[str, str]:
    if value in LICENSES:
        title, path = LICENSES[value]
        return {"name": value, "path": path, "title": title}
    return {"name": value}


class DataPackageExporter(Exporter[DataPackageOptions]):
    """Writes a Frictionless data package as a ZIP file, for an open-data portal.

    The ZIP holds ``datapackage.json`` and one CSV per model in ``data/`` (``actors.csv``,
    ``events.csv``, ``event-occurrences.csv``, ``calls.csv``...), each described by a Table
    Schema (types, titles, primary key, foreign keys, enumerations). CSVs are UTF-8 without
    a byte order mark, comma-separated, with codes rather than labels; rows are sorted by
    id, so two exports of the same records are the same bytes (given the same ``now``).
    """

    name: ClassVar[str] = "datapackage"
    media_type: ClassVar[str] = "application/zip"
    extension: ClassVar[str] = ".zip"
    Options = DataPackageOptions

    def export(self, records: Iterable[Record], out: IO[bytes], ctx: ExportContext) -> int:
        """Write the ZIP to ``out``; return the number of records written."""
        env = Env.of(ctx)
        lang = "en" if ctx.lang.startswith("en") else "fr"
        style = CellStyle(lang=ctx.lang, tz=ctx.timezone, labels=False, formulas=True)
        groups = group_by_model(records)
        tables: list[tuple[Table, list[Any]]] = []
        for model, rows in groups.items():
            rows.sort(key=lambda r: r.id)
            tables.append((table_for(model), rows))
            if model is Event:
                tables.append((_occurrence_table(), _occurrence_rows(rows)))
        tables.sort(key=lambda pair: _rank(pair[0]))
        names = [t.name for t, _ in tables]
        if len(set(names)) != len(names):  # two plugins' models with one record type
            raise RrmaError(f"two tables would have the same name: {', '.join(sorted(names))}")
        stamp = ctx.now.astimezone(ctx.timezone).timetuple()[:6]
        resources = []
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            for table, rows in tables:
                columns = table.visible(ctx.personal_data)
                info = _entry(f"data/{table.name}.csv", stamp)
                with zf.open(info, "w") as entry:
                    digest = _Digest(entry)
                    _write_csv(digest, columns, rows, env, style)
                resources.append(
                    {
                        "name": table.name,
                        "path": f"data/{table.name}.csv",
                        "profile": "tabular-data-resource",
                        "title": table.title_in(lang),
                        "format": "csv",
                        "mediatype": "text/csv",
                        "encoding": "utf-8",
                        "bytes": digest.size,
                        "hash": f"sha256:{digest.sha256.hexdigest()}",
                        "schema": _schema(table, columns, lang),
                    }
                )
            descriptor = self._descriptor(ctx, lang, resources)
            text = json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n"
            zf.writestr(_entry("datapackage.json", stamp), text.encode("utf-8"))
        return sum(len(rows) for rows in groups.values())

    def _descriptor(
        self, ctx: ExportContext, lang: str, resources: list[dict[str, Any]]
    ) -> dict[str, Any]:
        options = self.options
        words = _TEXT[lang]
        return {
            "profile": "tabular-data-package",
            "name": options.name or slug(ctx.workspace),
            "title": clean(options.title or words["title"].format(workspace=ctx.workspace)),
            "description": clean(
                options.description or words["description"].format(workspace=ctx.workspace)
            ),
            "created": ctx.now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "licenses": [_license(options.license)],
            "contributors": [{"title": clean(ctx.workspace), "role": "publisher"}],
            "keywords": ["rrma", "solidarité internationale", "coopération", "ECSI"],
            "resources": resources,
        }


def _rank(table: Table) -> tuple[int, str]:
    return (_ORDER.index(table.name) if table.name in _ORDER else len(_ORDER), table.name)


def _entry(name: str, stamp: tuple[int, ...]) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=max(stamp, (1980, 1, 1, 0, 0, 0)))  # type: ignore[arg-type]
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def _write_csv(
    target: _Digest,
    columns: Sequence[Column],
    rows: Sequence[Any],
    env: Env,
    style: CellStyle,
) -> None:
    stream = io.TextIOWrapper(io.BufferedWriter(target), encoding="utf-8", newline="")
    writer = RowWriter(stream)
    writer.writerow([c.name for c in columns])
    pairs = list(zip(columns, text_column_writers(columns, style), strict=True))
    for batch in batches(rows, env):  # column by column, then row by row
        writer.write_columns([write(column_values(c, batch)) for c, write in pairs])
    stream.flush()
    buffered = stream.detach()
    buffered.flush()
    buffered.detach()
