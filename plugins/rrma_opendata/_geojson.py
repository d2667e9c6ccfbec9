"""The ``geojson`` exporter: actors and events on a map (RFC 7946)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import IO, Any, ClassVar

from pydantic import Field

from rrma_core.connectors import Options
from rrma_core.exporters import ExportContext, Exporter
from rrma_core.models import Actor, Coordinates, Event, Record
from rrma_opendata._cells import json_writers
from rrma_opendata._columns import Column, Env, bind, table_for

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


def _coordinates(record: Record) -> Coordinates | None:
    if isinstance(record, Event):
        return record.venue.coordinates if record.venue is not None else None
    if isinstance(record, Actor):
        return record.head_office.coordinates if record.head_office is not None else None
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
        """Write the feature collection to ``out``; return the number of features."""
        env = Env.of(ctx)
        layouts: dict[type[Record], list[tuple[str, Callable[[Any], Any], Callable[[Any], Any]]]]
        layouts = {}
        out.write(b'{"type": "FeatureCollection", "features": [')
        separator = b"\n"
        written = left_out = 0
        for record in records:
            point = _coordinates(record)
            if point is None:
                left_out += 1
                continue
            model = type(record)
            layout = layouts.get(model)
            if layout is None:
                layout = layouts[model] = self._layout(model, ctx, env)
            properties: dict[str, Any] = {"record_type": record.record_type}
            for name, get, cell in layout:
                properties[name] = cell(get(record))
            feature = {
                "type": "Feature",
                "id": record.id,
                "geometry": {"type": "Point", "coordinates": [point.lon, point.lat]},
                "properties": properties,
            }
            out.write(separator)
            out.write(json.dumps(feature, ensure_ascii=False).encode("utf-8"))
            separator = b",\n"
            written += 1
        out.write(b"\n]}\n")
        if left_out:
            logger.info("geojson: %d records without coordinates left out", left_out)
        return written

    def _layout(
        self, model: type[Record], ctx: ExportContext, env: Env
    ) -> list[tuple[str, Callable[[Any], Any], Callable[[Any], Any]]]:
        columns: list[Column] = [
            c for c in table_for(model).visible(ctx.personal_data) if c.name not in _IN_GEOMETRY
        ]
        writers = json_writers(columns, lang=ctx.lang, tz=ctx.timezone, labels=self.options.labels)
        return [(c.name, bind(c, env), w) for c, w in zip(columns, writers, strict=True)]
