"""The ``festival-csv`` and ``festival-xlsx`` exporters: a consolidated programme, written in
the layout the ``festival`` connector reads, for the campaign's national organiser."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import date, datetime, tzinfo
from typing import IO, Any, ClassVar
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator

from rrma_core.connectors import Options
from rrma_core.exporters import ExportContext, Exporter
from rrma_core.models import Actor, Event, Occurrence, Record
from rrma_core.vocabularies import get_vocabulary
from rrma_festival._columns import Layout, resolve_field
from rrma_festival._connector import (
    KEYWORD_PREFIXES,
    campaign_code,
    check_columns,
    check_timezone,
)
from rrma_festival._values import (
    neutralise,
    write_actor_type,
    write_audiences,
    write_date,
    write_price,
    write_status,
    write_time,
    zone_of,
)

__all__ = ["FestivalCsvExporter", "FestivalExportOptions", "FestivalXlsxExporter"]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DATE_FIELDS = ("date", "end_date")


class FestivalExportOptions(Options):
    """Options of the ``festival-csv`` and ``festival-xlsx`` exporters."""

    campaign: str | None = Field(
        default=None,
        description="Only events of this campaign (a code) or edition (alimenterre-2026).",
    )
    edition: int | None = Field(default=None, description="Only events of this year's edition.")
    columns: dict[str, str | list[str]] = Field(
        default_factory=dict, description="Field to the header to write (the first if a list)."
    )
    fields: list[str] | None = Field(
        default=None, description="The fields to write, in order (default: all of them)."
    )
    timezone: str | None = Field(
        default=None,
        description="The zone of the times; default: the venue's région's, else the workspace's.",
    )

    @field_validator("campaign")
    @classmethod
    def _campaign(cls, value: str | None) -> str | None:
        if value is None:
            return None
        match = re.fullmatch(r"(.+)-(\d{4})(?:-([0-9AB]{2,3}))?", value.strip())
        if match:  # an edition id
            code = campaign_code(match.group(1))
            return f"{code}-{match.group(2)}" + (f"-{match.group(3)}" if match.group(3) else "")
        return campaign_code(value)

    @field_validator("columns")
    @classmethod
    def _columns(cls, value: dict[str, str | list[str]]) -> dict[str, str | list[str]]:
        return check_columns(value)

    @field_validator("fields")
    @classmethod
    def _fields(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else list(dict.fromkeys(resolve_field(f) for f in value))

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str | None) -> str | None:
        return check_timezone(value)


def _keyword(event: Event, prefix: str) -> str | None:
    values = [
        k.split(": ", 1)[1] for k in event.keywords if k.startswith(f"{prefix}: ") and ": " in k
    ]
    return "; ".join(values) if values else None


class _ProgrammeExporter(Exporter[FestivalExportOptions]):
    """What both exporters share: choosing the events and making their rows."""

    record_types: ClassVar[tuple[type[Record], ...]] = (Event, Actor)
    Options = FestivalExportOptions

    def _wanted(self, event: Event) -> bool:
        edition = event.campaign_edition or ""
        campaign, year = self.options.campaign, self.options.edition
        if campaign is not None:
            if re.search(r"-\d{4}(-[0-9AB]{2,3})?$", campaign):
                if edition != campaign and not edition.startswith(f"{campaign}-"):
                    return False
            elif not re.fullmatch(rf"{re.escape(campaign)}-\d{{4}}(-[0-9AB]{{2,3}})?", edition):
                return False
        return year is None or bool(re.search(rf"-{year}(-[0-9AB]{{2,3}})?$", edition))

    def table(
        self, records: Iterable[Record], ctx: ExportContext
    ) -> tuple[list[str], list[list[Any]], int]:
        """The headers, the rows (one per occurrence) and the number of events."""
        layout = Layout(self.options.columns)
        fields = [f for f in (self.options.fields or layout.enabled) if f in layout.written]
        actors: dict[str, Actor] = {}
        events: list[Event] = []
        for record in records:
            if isinstance(record, Actor):
                actors[record.id] = record
            elif isinstance(record, Event) and self._wanted(record):
                events.append(record)
        events.sort(key=lambda e: (min(o.sort_key for o in e.occurrences), str(e.title), e.id))
        rows: list[list[Any]] = []
        for event in events:
            for occurrence in sorted(event.occurrences, key=lambda o: o.sort_key):
                values = self._values(event, occurrence, actors, ctx)
                rows.append([values.get(field, "") for field in fields])
        return [layout.written[f] for f in fields], rows, len(events)

    def _zone(self, event: Event, ctx: ExportContext) -> tzinfo:
        if self.options.timezone:
            return ZoneInfo(self.options.timezone)
        address = event.venue.address if event.venue else None
        if address is None:
            return ctx.timezone
        return zone_of(address.commune, address.postal_code, ctx.timezone)

    def _values(
        self, event: Event, occurrence: Occurrence, actors: dict[str, Actor], ctx: ExportContext
    ) -> dict[str, Any]:
        values: dict[str, Any] = {"title": event.title.get(ctx.lang)}
        start, end = occurrence.start, occurrence.end
        if isinstance(start, datetime):
            zone = self._zone(event, ctx)
            local = start.astimezone(zone)
            values["date"] = local.date()
            values["start_time"] = write_time(local.time())
            if isinstance(end, datetime):
                local_end = end.astimezone(zone)
                values["end_time"] = write_time(local_end.time())
                if local_end.date() != local.date():
                    values["end_date"] = local_end.date()
        else:
            values["date"] = start
            if isinstance(end, date) and end != start:
                values["end_date"] = end
        venue = event.venue
        if venue is not None:
            values["venue"] = venue.name or ""
            if venue.address is not None:
                values["street"] = venue.address.street or ""
                values["postal_code"] = venue.address.postal_code or ""
                values["city"] = venue.address.city or ""
                values["insee"] = venue.address.commune or ""
        values["organiser"] = "; ".join(r.name or r.id or "" for r in event.organisers)
        first = actors.get(event.organisers[0].id or "") if event.organisers else None
        if first is not None:
            values["siret"] = first.siret or ""
            values["rna"] = first.rna or ""
            values["actor_type"] = write_actor_type(first.actor_type)
            values["contact"] = first.email or ""
        kind = _keyword(event, "animation")
        if kind is None and event.event_kind != "other":
            kind = get_vocabulary("event_kinds").label(event.event_kind)
        values["kind"] = kind or ""
        values["audience"] = _keyword(event, "public") or write_audiences(event.audiences)
        values["film"] = _keyword(event, "film") or ""
        values["status"] = _keyword(event, "statut") or write_status(event.status)
        price = event.price
        if price is not None:
            if price.text:
                values["price"] = price.text
            elif price.amount:
                values["price"] = write_price(price.amount)
            elif price.free:
                values["price"] = "Gratuit"
        if event.description is not None:
            values["description"] = event.description.get(ctx.lang)
        values["keywords"] = ", ".join(
            k for k in event.keywords if k.split(": ", 1)[0] not in KEYWORD_PREFIXES
        )
        values["url"] = event.url or ""
        values["registration_url"] = event.registration_url or ""
        return values


def _text(value: Any) -> str:
    if isinstance(value, date):
        return write_date(value)
    return _CONTROL.sub("", str(value or ""))


class FestivalCsvExporter(_ProgrammeExporter):
    """Writes events as the programme CSV the ``festival`` connector reads: French headers,
    ``;`` separator, UTF-8 with a BOM (so that Excel opens it right), and cells that a
    spreadsheet would run as a formula prefixed with an apostrophe.

    Actors given along with the events fill the organiser's SIRET, RNA, type of structure
    and generic contact address.
    """

    name: ClassVar[str] = "festival-csv"
    media_type: ClassVar[str] = "text/csv"
    extension: ClassVar[str] = ".csv"

    def export(self, records: Iterable[Record], out: IO[bytes], ctx: ExportContext) -> int:
        """Write the programme; return the number of events written."""
        headers, rows, count = self.table(records, ctx)
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow(headers)
        for row in rows:
            writer.writerow([neutralise(_text(cell)) for cell in row])
        out.write(buffer.getvalue().encode("utf-8-sig"))
        return count


class FestivalXlsxExporter(_ProgrammeExporter):
    """Writes events as an XLSX programme in the layout the ``festival`` connector reads:
    French headers, real date cells, and text cells that are never formulas."""

    name: ClassVar[str] = "festival-xlsx"
    media_type: ClassVar[str] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    extension: ClassVar[str] = ".xlsx"

    def export(self, records: Iterable[Record], out: IO[bytes], ctx: ExportContext) -> int:
        """Write the programme; return the number of events written."""
        from openpyxl import Workbook
        from openpyxl.styles import Font

        headers, rows, count = self.table(records, ctx)
        layout = Layout(self.options.columns)
        date_headers = {layout.written[f] for f in _DATE_FIELDS if f in layout.written}
        dated = [header in date_headers for header in headers]
        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None  # a new workbook has one sheet
        sheet.title = "Programme"
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for number, row in enumerate(rows, start=2):
            for column, value in enumerate(row, start=1):
                if dated[column - 1] and isinstance(value, date):
                    cell = sheet.cell(number, column, value)
                    cell.number_format = "DD/MM/YYYY"
                    continue
                text = _text(value)
                if text:
                    cell = sheet.cell(number, column, text)
                    cell.data_type = "s"  # never a formula, whatever it starts with
        for column, header in enumerate(headers, start=1):
            widest = max([len(header), *(len(_text(r[column - 1])) for r in rows[:200])])
            letter = sheet.cell(1, column).column_letter
            sheet.column_dimensions[letter].width = min(max(widest + 2, 8), 60)
        buffer = io.BytesIO()
        workbook.save(buffer)
        out.write(buffer.getvalue())
        return count
