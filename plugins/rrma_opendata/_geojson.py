"""The ``geojson`` exporter: actors and events on a map (RFC 7946)."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterable, Iterator
from typing import IO, ClassVar

from pydantic import Field

from rrma_core.connectors import Options
from rrma_core.exporters import ExportContext, Exporter
from rrma_core.models import Actor, Coordinates, Event, Record
from rrma_opendata._cells import (
    ColumnWriter,
    json_encode,
    json_scalars,
    json_strings,
    json_text_column_writers,
)
from rrma_opendata._columns import BATCH_SIZE, Batch, Column, Env, column_values, table_for

__all__ = ["GeoJsonExporter", "GeoJsonOptions"]

logger = logging.getLogger(__name__)

#: Columns the geometry already holds.
_IN_GEOMETRY = frozenset({"lat", "lon"})


class GeoJsonOptions(Options):
    """Options of the ``geojson`` exporter."""

    labels: bool = Field(
        default=True,
        description="Give vocabulary codes as their labels in the export's language (what a "
        "map's pop-up shows); `false` keeps the codes.",
    )


def _place_of(model: type[Record]) -> str | None:
    """The attribute holding the place of a model's records: events' venue, actors' head
    office."""
    if issubclass(model, Event):
        return "venue"
    if issubclass(model, Actor):
        return "head_office"
    return None


class GeoJsonExporter(Exporter[GeoJsonOptions]):
    """Writes actors (at their head office) and events (at their venue) as a GeoJSON
    ``FeatureCollection`` of points.

    Coordinates are ``[longitude, latitude]`` (RFC 7946 order, WGS84). Each feature's
    ``id`` is the record's id and its properties are the record's CSV columns (lists stay
    lists), headed by ``record_type`` (``actor`` or ``event``). Records without
    coordinates are left out (and counted in the log); features come in the records'
    order, one per line.
    """

    name: ClassVar[str] = "geojson"
    media_type: ClassVar[str] = "application/geo+json"
    extension: ClassVar[str] = ".geojson"
    record_types: ClassVar[tuple[type[Record], ...]] = (Actor, Event)
    Options = GeoJsonOptions

    def export(self, records: Iterable[Record], out: IO[bytes], ctx: ExportContext) -> int:
        """Write the feature collection to ``out``; return the number of features.

        Each feature is the text ``json.dumps(feature, ensure_ascii=False)`` gives for
        ``{"type": "Feature", "id": ..., "geometry": {...}, "properties": {...}}``, put
        together from the JSON texts of its values, column by column
        (``json_text_column_writers``), rather than built as a dict and encoded.
        """
        env = Env.of(ctx)
        layouts: dict[type[Record], _Layout] = {}
        out.write(b'{"type": "FeatureCollection", "features": [')
        separator = "\n"
        written = left_out = 0
        for model, run in _runs(records, BATCH_SIZE):
            place = _place_of(model)
            if place is None:
                left_out += len(run)
                continue
            points: list[Coordinates | None] = Batch(run, env).path((place, "coordinates"))
            placed = [r for r, point in zip(run, points, strict=True) if point is not None]
            located = [point for point in points if point is not None]
            left_out += len(run) - len(placed)
            if not placed:
                continue
            layout = layouts.get(model)
            if layout is None:
                layout = layouts[model] = self._layout(model, ctx)
            batch = Batch(placed, env)
            count = len(placed)
            # '{"type": "Feature", "id": "x", "geometry": {"type": "Point", "coordinates":
            # [4.8, 45.7]}, "properties": {"record_type": "event"', then ', "name": value'
            # for each property, then '}}': texts joined, column by column.
            kind = json_encode(model.record_type)
            parts: list[Iterable[str]] = [
                itertools.repeat('{"type": "Feature", "id": ', count),
                json_strings(batch.path(("id",))),
                itertools.repeat(', "geometry": {"type": "Point", "coordinates": [', count),
                json_scalars([p.lon for p in located]),
                itertools.repeat(", ", count),
                json_scalars([p.lat for p in located]),
                itertools.repeat(f']}}, "properties": {{"record_type": {kind}', count),
            ]
            for column, key, write in layout:
                parts.append(itertools.repeat(key, count))
                parts.append(write(column_values(column, batch)))
            features = list(map("".join, zip(*parts, strict=True)))
            out.write((separator + "}},\n".join(features) + "}}").encode("utf-8"))
            separator = ",\n"
            written += count
        out.write(b"\n]}\n")
        if left_out:
            logger.info("geojson: %d records without coordinates left out", left_out)
        return written

    def _layout(self, model: type[Record], ctx: ExportContext) -> _Layout:
        """Each property's column, what comes before its value (``', "name": '``) and its
        writer. Column names are unique, and none is ``record_type``."""
        columns: list[Column] = [
            c for c in table_for(model).visible(ctx.personal_data) if c.name not in _IN_GEOMETRY
        ]
        writers = json_text_column_writers(
            columns, lang=ctx.lang, tz=ctx.timezone, labels=self.options.labels
        )
        return [(c, f", {json_encode(c.name)}: ", w) for c, w in zip(columns, writers, strict=True)]


_Layout = list[tuple[Column, str, ColumnWriter]]


def _runs(records: Iterable[Record], size: int) -> Iterator[tuple[type[Record], list[Record]]]:
    """The records in their order, in runs of one model of at most ``size``."""
    run: list[Record] = []
    model: type[Record] | None = None
    for record in records:
        if type(record) is not model or len(run) >= size:
            if model is not None:
                yield model, run
            model, run = type(record), []
        run.append(record)
    if model is not None:
        yield model, run
