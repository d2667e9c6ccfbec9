"""Open-data exporters: ``csv``, ``jsonld``, ``geojson`` and ``datapackage``.

- ``csv``: one model's records as a table for spreadsheets (UTF-8 with BOM, ``;``, labels,
  formulas made inert);
- ``jsonld``: events and actors as schema.org ``Event`` and ``Organization`` nodes for web
  sites;
- ``geojson``: actors and events with coordinates as a GeoJSON ``FeatureCollection``;
- ``datapackage``: every table with its Table Schema in a Frictionless data package (ZIP),
  for an open-data portal.

All four share one flattening of records into typed columns (names, types and titles are
the same in the CSV, the GeoJSON properties and the Table Schemas), leave personal data out
unless it is asked for, and write the same bytes for the same records and ``now``.
"""

from __future__ import annotations

from typing import Any

from rrma_core import hookimpl
from rrma_core.exporters import Exporter
from rrma_opendata._csv import CsvExporter, CsvOptions
from rrma_opendata._datapackage import LICENSES, DataPackageExporter, DataPackageOptions
from rrma_opendata._geojson import GeoJsonExporter, GeoJsonOptions
from rrma_opendata._jsonld import JsonLdExporter, JsonLdOptions

__all__ = [
    "LICENSES",
    "CsvExporter",
    "CsvOptions",
    "DataPackageExporter",
    "DataPackageOptions",
    "GeoJsonExporter",
    "GeoJsonOptions",
    "JsonLdExporter",
    "JsonLdOptions",
]


@hookimpl
def rrma_exporters() -> list[type[Exporter[Any]]]:
    """The ``csv``, ``jsonld``, ``geojson`` and ``datapackage`` exporters."""
    return [CsvExporter, JsonLdExporter, GeoJsonExporter, DataPackageExporter]
