"""The ``festival`` connector: a campaign's programme, as organisers fill it in a spreadsheet."""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from pathlib import Path
from typing import Any, ClassVar, Self, TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator

from rrma_core.connectors import Connector, FetchContext, Options
from rrma_core.errors import InvalidRecord, RrmaError
from rrma_core.models import Actor, Event, Provenance, Record
from rrma_core.vocabularies import get_vocabulary
from rrma_festival._columns import Layout, resolve_field
from rrma_festival._table import read_sheet
from rrma_festival._values import (
    CellError,
    cell_text,
    generic_email,
    name_key,
    plain_text,
    read_actor_type,
    read_audiences,
    read_date,
    read_insee,
    read_kind,
    read_postal_code,
    read_price,
    read_rna,
    read_siret,
    read_status,
    read_times,
    read_url,
    rich_text,
    split_list,
    write_date,
    write_time,
    zone_of,
)

__all__ = ["FestivalConnector", "FestivalOptions"]

#: Longest cell read; a row with a longer one is skipped.
MAX_CELL = 10_000
#: Largest programme file read from the workspace (a URL obeys the HTTP size cap).
MAX_FILE_BYTES = 20 * 1024 * 1024
#: Rows searched for the header row (title rows often come first).
HEADER_SCAN = 30
#: Prefixes of the keywords that keep, word for word, what the model has no field for.
KEYWORD_PREFIXES = ("film", "animation", "public", "statut")

_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
T = TypeVar("T")
_REQUIRED = ("title", "date")


def campaign_code(value: str) -> str:
    """A campaign's code: a national one named by its code or label, or a custom slug."""
    known = get_vocabulary("campaigns").normalize(value)
    if known:
        return known
    code = value.strip().lower()
    if not _SLUG.fullmatch(code):
        raise ValueError(
            f"{value!r} is neither a known campaign (alimenterre, festisol, mois-ess, "
            "migrantscene) nor a slug of lower-case letters, digits and hyphens"
        )
    return code


def check_columns(value: Mapping[str, str | list[str]]) -> dict[str, str | list[str]]:
    """Column overrides with their keys made field keys (a French header is accepted)."""
    return {resolve_field(key): texts for key, texts in value.items()}


def check_timezone(value: str | None) -> str | None:
    """An IANA time zone name, or ``None``."""
    if value is not None:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (such as Europe/Paris)") from None
    return value


class FestivalOptions(Options):
    """Options of the ``festival`` connector."""

    path: str | None = Field(
        default=None, description="The programme file, relative to the workspace folder."
    )
    url: str | None = Field(default=None, description="Where the programme is served.")
    campaign: str = Field(
        description="alimenterre, festisol, mois-ess, migrantscene, or a custom slug."
    )
    edition: int = Field(ge=1990, le=2100, description="The edition's year.")
    columns: dict[str, str | list[str]] = Field(
        default_factory=dict,
        description="Field (or default header) to the header(s) naming it in this file.",
    )
    sheet: str | None = Field(default=None, description="The XLSX sheet (default: the first).")
    encoding: str | None = Field(default=None, description="The CSV's encoding (default: found).")
    delimiter: str | None = Field(
        default=None, description="The CSV's separator: ';', ',' or tab (default: found)."
    )
    timezone: str | None = Field(
        default=None,
        description="The zone of the times; default: the venue's région's, else the workspace's.",
    )

    @field_validator("campaign")
    @classmethod
    def _campaign(cls, value: str) -> str:
        return campaign_code(value)

    @field_validator("columns")
    @classmethod
    def _columns(cls, value: dict[str, str | list[str]]) -> dict[str, str | list[str]]:
        return check_columns(value)

    @field_validator("encoding")
    @classmethod
    def _encoding(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                codecs.lookup(value)
            except LookupError:
                raise ValueError(f"unknown encoding {value!r} (such as utf-8, cp1252)") from None
        return value

    @field_validator("delimiter")
    @classmethod
    def _delimiter(cls, value: str | None) -> str | None:
        if value is None:
            return None
        named = {"tab": "\t", "\\t": "\t", "tabulation": "\t"}
        value = named.get(value.lower(), value)
        if value not in {";", ",", "\t", "|"}:
            raise ValueError(f"separator {value!r} must be ';', ',', '|' or 'tab'")
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str | None) -> str | None:
        return check_timezone(value)

    @model_validator(mode="after")
    def _one_place(self) -> Self:
        if (self.path is None) == (self.url is None):
            raise ValueError("give exactly one of path (a file) or url")
        if self.url is not None and urlsplit(self.url).scheme.lower() not in {"http", "https"}:
            raise ValueError(f"url {self.url!r} must start with http:// or https://")
        return self

    @property
    def campaign_edition(self) -> str:
        """The edition's id, which every event names: ``alimenterre-2026``."""
        return f"{self.campaign}-{self.edition}"


class RowError(ValueError):
    """A row that cannot become an event: its message names the column and the reason."""

    def __init__(self, header: str | None, message: str) -> None:
        super().__init__(f"colonne « {header} » : {message}" if header else message)


@dataclass(frozen=True)
class _Header:
    """Where the header row is and which column holds which field (with its header text)."""

    index: int
    number: int
    columns: dict[str, tuple[int, str]]


def _find_header(rows: Sequence[tuple[int, list[Any]]], layout: Layout, where: str) -> _Header:
    best: _Header | None = None
    for index, (number, cells) in enumerate(rows[:HEADER_SCAN]):
        columns: dict[str, tuple[int, str]] = {}
        for position, cell in enumerate(cells):
            if isinstance(cell, str):
                field = layout.field_of(cell)
                if field is not None and field not in columns:
                    columns[field] = (position, " ".join(cell.split()))
        if columns and (best is None or len(columns) > len(best.columns)):
            best = _Header(index, number, columns)
    expected = ", ".join(f"« {h} »" for h in layout.expected())
    if best is None:
        first = next((cells for _, cells in rows[:HEADER_SCAN] if cells), [])
        found = ", ".join(f"« {cell_text(c)[:40]} »" for c in first[:12]) or "rien"
        raise RrmaError(
            f"{where} : aucune ligne d'en-têtes reconnue dans les {HEADER_SCAN} premières "
            f"lignes remplies. En-têtes attendus : {expected}. Trouvé : {found}"
        )
    missing = [layout.written.get(f, f) for f in _REQUIRED if f not in best.columns]
    if missing:
        found = ", ".join(f"« {h} »" for _, h in sorted(best.columns.values()))
        raise RrmaError(
            f"{where} : la ligne d'en-têtes (ligne {best.number}) n'a pas de colonne "
            + " ni ".join(f"« {m} »" for m in missing)
            + f". En-têtes reconnus : {found}. En-têtes attendus : {expected}"
        )
    return best


class _Row:
    """The cells of one row, by field, with the header text each came from."""

    def __init__(self, cells: list[Any], header: _Header) -> None:
        self.cells = cells
        self.header = header

    def heading(self, field: str) -> str:
        """The header of ``field``'s column as the file writes it (for messages)."""
        return self.header.columns[field][1] if field in self.header.columns else field

    def raw(self, field: str) -> Any:
        """The cell of ``field`` as read (``None`` when the column or the cell is missing).

        Raises:
            RowError: when the cell is longer than ``MAX_CELL``.
        """
        place = self.header.columns.get(field)
        if place is None or place[0] >= len(self.cells):
            return None
        value = self.cells[place[0]]
        if isinstance(value, str) and len(value) > MAX_CELL:
            raise RowError(
                self.heading(field),
                f"cellule trop longue ({len(value)} caractères ; {MAX_CELL} au plus)",
            )
        return value

    def text(self, field: str) -> str:
        """The cell of ``field`` as trimmed text."""
        return cell_text(self.raw(field))


class _Reader:
    """Turns rows into events, and organisers into actor references (and new actors)."""

    def __init__(self, ctx: FetchContext, options: FestivalOptions, base_url: str | None) -> None:
        self.ctx = ctx
        self.options = options
        self.base_url = base_url
        self.zone: tzinfo | None = ZoneInfo(options.timezone) if options.timezone else None
        self.refs: dict[str, dict[str, str]] = {}
        self.actors: dict[str, Actor] = {}
        self.number = 0

    # -- a row ----------------------------------------------------------------------------

    def event(self, number: int, row: _Row) -> dict[str, Any]:
        """The event of row ``number`` (a dict for the engine, with its ``source_id``).

        Raises:
            RowError: naming the column and the reason.
        """
        self.number = number
        title = plain_text(row.text("title"))
        if not title:
            raise RowError(row.heading("title"), "le titre est vide")
        venue = self._venue(row)
        address = venue.get("address") or {}
        zone = self.zone or zone_of(
            address.get("commune"), address.get("postal_code"), self.ctx.timezone
        )
        occurrence = self._occurrence(row, zone)
        keywords = split_list(row.text("keywords"), r"[,;\n]")
        film = plain_text(row.text("film"))
        if film:
            keywords.append(f"film: {film}")
        label = plain_text(row.text("kind"))
        if label:
            keywords.append(f"animation: {label}")
        audience_text = plain_text(row.text("audience"))
        audiences = read_audiences(audience_text)
        if audience_text and not audiences.exact:
            keywords.append(f"public: {audience_text}")
        status_text = plain_text(row.text("status"))
        status, named = read_status(status_text)
        if not named:
            keywords.append(f"statut: {status_text}")
        data: dict[str, Any] = {
            "title": title,
            "occurrences": [occurrence],
            "event_kind": read_kind(label) if label else "other",
            "audiences": audiences.codes,
            "status": status,
            "campaign_edition": self.options.campaign_edition,
            "keywords": list(dict.fromkeys(keywords)),
        }
        description = rich_text(row.text("description"), self.base_url)
        if description:
            data["description"] = description
        if venue:
            data["venue"] = venue
        price = self._optional(row, "price", read_price)
        if price:
            data["price"] = price
        for field in ("url", "registration_url"):
            if row.text(field):
                link = self._optional(row, field, read_url)
                if link:
                    data[field] = link
        try:
            Event.parse(data, source=self.ctx.source, item=f"ligne {number}")
        except InvalidRecord as error:
            raise RowError(None, "; ".join(str(p) for p in error.problems)) from None
        # Last, so that a row refused above creates no organiser.
        data["organisers"] = self._organisers(row)
        place = address.get("commune") or address.get("city") or address.get("postal_code")
        start = occurrence["start"]
        # Rows have no ids: the same day, time, title and place are the same event.
        data["source_id"] = "/".join(
            [
                start.isoformat(),
                name_key(title)[:120],
                name_key(str(place or ""))[:60],
                name_key(str(venue.get("name") or ""))[:60],
            ]
        ).rstrip("/")
        return data

    def _optional(self, row: _Row, field: str, read: Callable[[Any], T]) -> T | None:
        """``read(cell)``, or ``None`` with a warning in the sync report when the cell cannot
        be read: an optional value is left empty rather than the whole row refused."""
        raw = row.raw(field)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        try:
            return read(raw)
        except CellError as error:
            self.ctx.warn(
                f"ligne {self.number}", f"colonne « {row.heading(field)} » : {error} (laissée vide)"
            )
            return None

    # -- when -------------------------------------------------------------------------------

    def _occurrence(self, row: _Row, zone: tzinfo) -> dict[str, Any]:
        edition = self.options.edition
        day, clock = self._day(row, "date")
        if day is None:
            raise RowError(row.heading("date"), "la date est vide")
        end_day, _ = self._day(row, "end_date")
        if end_day is not None and end_day < day:
            raise RowError(
                row.heading("end_date"),
                f"la date de fin ({write_date(end_day)}) est avant la date ({write_date(day)})",
            )
        if end_day == day:
            end_day = None
        start_time: time | None = clock
        end_time: time | None = None
        if row.text("start_time"):
            try:
                start_time, end_time = read_times(row.raw("start_time"))
            except CellError as error:
                raise RowError(row.heading("start_time"), str(error)) from None
        if row.text("end_time"):
            try:
                given, _ = read_times(row.raw("end_time"))
            except CellError as error:
                raise RowError(row.heading("end_time"), str(error)) from None
            if end_time is not None and given != end_time:
                raise RowError(
                    row.heading("end_time"),
                    f"{write_time(given)} contredit la fin donnée dans "
                    f"« {row.heading('start_time')} » ({write_time(end_time)})",
                )
            end_time = given
        if abs(day.year - edition) > 1:
            raise RowError(
                row.heading("date"), f"le {write_date(day)} n'est pas de l'édition {edition}"
            )
        if start_time is None:
            if end_time is not None:
                raise RowError(row.heading("end_time"), "une heure de fin sans heure de début")
            return {"start": day, "end": end_day} if end_day else {"start": day}
        start = datetime.combine(day, start_time, tzinfo=zone)
        if end_time is None:
            if end_day is not None:
                raise RowError(
                    row.heading("end_date"),
                    "une date de fin demande une heure de fin quand l'heure de début est donnée",
                )
            return {"start": start}
        end = datetime.combine(end_day or day, end_time, tzinfo=zone)
        if end < start:
            raise RowError(
                row.heading("end_time"),
                f"l'heure de fin ({write_time(end_time)}) est avant l'heure de début "
                f"({write_time(start_time)})",
            )
        return {"start": start, "end": end}

    def _day(self, row: _Row, field: str) -> tuple[date | None, time | None]:
        raw = row.raw(field)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None, None
        try:
            return read_date(raw, year=self.options.edition)
        except CellError as error:
            raise RowError(row.heading(field), str(error)) from None

    # -- where ------------------------------------------------------------------------------

    def _venue(self, row: _Row) -> dict[str, Any]:
        address: dict[str, Any] = {}
        street = plain_text(row.text("street"))
        if street:
            address["street"] = street
        postal = self._optional(row, "postal_code", read_postal_code)
        insee = self._optional(row, "insee", read_insee)
        city, postal, insee = self._commune(row, postal, insee)
        for key, value in (("postal_code", postal), ("city", city), ("commune", insee)):
            if value:
                address[key] = value
        venue: dict[str, Any] = {}
        name = plain_text(row.text("venue"))
        if name:
            venue["name"] = name
        if address:
            venue["address"] = address
        return venue

    def _commune(
        self, row: _Row, postal: str | None, insee: str | None
    ) -> tuple[str | None, str | None, str | None]:
        """The commune cell: a name, ``69100 Villeurbanne``, a postal code or an INSEE code.

        Five digits are an INSEE code only when the row gives a different postal code;
        otherwise they are the postal code people type. ``2A004`` is always INSEE.
        """
        raw = row.raw("city")
        text = plain_text(cell_text(raw))
        if not text:
            return None, postal, insee
        both = re.fullmatch(r"(\d{5})\s+(.+)", text) or re.fullmatch(r"(.+?)\s*\((\d{5})\)", text)
        if both:
            code, name = both.groups() if both.group(1).isdigit() else both.groups()[::-1]
            return name, postal or code, insee
        compact = text.replace(" ", "").upper()
        if re.fullmatch(r"2[AB]\d{3}", compact):
            return None, postal, insee or self._optional(row, "city", read_insee)
        if re.fullmatch(r"\d{4,5}", compact):
            code = self._optional(row, "city", read_postal_code)
            if code is None or code in (postal, insee):
                return None, postal, insee
            if postal is None:
                return None, code, insee
            return None, postal, insee or self._optional(row, "city", read_insee)
        return text, postal, insee

    # -- who --------------------------------------------------------------------------------

    def _organisers(self, row: _Row) -> list[dict[str, str]]:
        refs: list[dict[str, str]] = []
        for position, name in enumerate(split_list(row.text("organiser"))):
            ref = self._organiser(row, name, first=position == 0)
            if ref and ref not in refs:
                refs.append(ref)
        return refs

    def _organiser(self, row: _Row, name: str, *, first: bool) -> dict[str, str] | None:
        key = name_key(name)
        if not key:
            return None
        if key in self.refs:
            return self.refs[key]
        siret = self._optional(row, "siret", read_siret) if first else None
        rna = self._optional(row, "rna", read_rna) if first else None
        found = self.ctx.find_actor(siret=siret, rna=rna, name=name)
        if found is not None:
            # An actor this source created earlier: deliver it again, or the snapshot
            # would withdraw it; as stored, so that edits made since are kept.
            for provenance in found.provenance:
                sid = provenance.source_id or ""
                if provenance.source == self.ctx.source and sid.startswith("organiser:"):
                    self.actors.setdefault(
                        sid,
                        found.model_copy(
                            update={
                                "provenance": [Provenance(source=self.ctx.source, source_id=sid)]
                            }
                        ),
                    )
                    break
            ref = {"id": found.id, "name": found.name}
        else:
            source_id = f"organiser:{key}"
            contact = generic_email(row.text("contact")) if first else None
            kind = read_actor_type(plain_text(row.text("actor_type"))) if first else "other"
            try:
                actor = Actor.parse(
                    {
                        "name": name,
                        "actor_type": kind,
                        "siret": siret,
                        "rna": rna,
                        "email": contact,
                        "provenance": [{"source": self.ctx.source, "source_id": source_id}],
                    }
                )
            except InvalidRecord as error:
                problems = "; ".join(str(p) for p in error.problems)
                raise RowError(row.heading("organiser"), problems) from None
            self.actors.setdefault(source_id, actor)
            # The id the engine gives a new record: the same, so the reference holds.
            ref = {"id": Actor.make_id(self.ctx.source, source_id), "name": name}
        self.refs[key] = ref
        return ref


class FestivalConnector(Connector[FestivalOptions]):
    """Reads a campaign's programme from a CSV or XLSX spreadsheet (a file or a URL).

    Each row becomes an [`Event`][rrma_core.models.Event] of the edition
    (``campaign_edition = "<campaign>-<edition>"``); organisers are matched to stored actors
    (SIRET, RNA, then name) or created. The file is the whole programme: events whose row
    disappears are withdrawn.
    """

    name: ClassVar[str] = "festival"
    record_type: ClassVar[type[Record]] = Event
    Options = FestivalOptions
    snapshot: ClassVar[bool] = True
    trust_ids: ClassVar[bool] = True

    def fetch(self, ctx: FetchContext) -> Iterator[Mapping[str, Any] | Record]:
        """Yield the new organisers' actors, then one event per valid row."""
        content, where, base_url = self._load(ctx)
        layout = Layout(self.options.columns)

        def score(cells: Sequence[Any]) -> int:
            return len({layout.field_of(c) for c in cells if isinstance(c, str)} - {None})

        sheet = read_sheet(
            content,
            where=where,
            score=score,
            encoding=self.options.encoding,
            delimiter=self.options.delimiter,
            sheet=self.options.sheet,
        )
        header = _find_header(sheet.rows, layout, where)
        reader = _Reader(ctx, self.options, base_url)
        events: list[dict[str, Any]] = []
        seen: dict[str, int] = {}
        rows = 0
        for number, cells in sheet.rows[header.index + 1 :]:
            if not any(cell_text(c) for c in cells):
                continue
            rows += 1
            try:
                event = reader.event(number, _Row(cells, header))
            except RowError as error:
                ctx.skip(f"ligne {number}", str(error))
                continue
            source_id = event["source_id"]
            if source_id in seen:
                ctx.skip(
                    f"ligne {number}",
                    f"même titre, date, heure et lieu que la ligne {seen[source_id]} (doublon)",
                )
                continue
            seen[source_id] = number
            events.append(event)
        if not events:
            if not rows:
                raise RrmaError(
                    f"{where} ({sheet.details}) : aucune ligne sous les en-têtes "
                    f"(ligne {header.number}) : le programme est vide"
                )
            raise RrmaError(
                f"{where} ({sheet.details}) : aucune ligne valable sous les en-têtes "
                f"(ligne {header.number}) ; {rows} ligne(s) refusée(s), la première : "
                f"{ctx.skipped[0]}"
            )
        yield from reader.actors.values()
        yield from events

    def _load(self, ctx: FetchContext) -> tuple[bytes, str, str | None]:
        """The programme's bytes, where they come from (for messages) and its base URL."""
        if self.options.url is not None:
            response = ctx.get(self.options.url)
            return response.content, response.url, response.url
        path: Path = ctx.path(self.options.path or "")
        try:
            if not path.is_file():
                raise RrmaError(f"programme introuvable : {path} n'est pas un fichier")
            with path.open("rb") as stream:
                content = stream.read(MAX_FILE_BYTES + 1)
        except OSError as error:
            raise RrmaError(f"{path} : lecture impossible ({error.strerror})") from None
        if len(content) > MAX_FILE_BYTES:
            raise RrmaError(
                f"{path} dépasse {MAX_FILE_BYTES // (1024 * 1024)} Mio : ce n'est pas un programme"
            )
        return content, str(path), None
