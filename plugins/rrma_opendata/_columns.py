"""Tables: how each record model is flattened into typed columns.

One ``Table`` per model, shared by the CSV, GeoJSON and data package exporters, so that a
column has the same name, type and meaning in all three. The
actors, events, calls for projects, resources and trainings have hand-made tables; any
other model (a plugin's too) gets one made from its fields.

Getters return Python values (text, numbers, dates, lists of codes or names); the
exporters' cell writers turn them into text or JSON, apply labels, and clean the text.
Exporters read records in batches, column by column (``Batch``): most getters are
``BatchGetter``s, which read a whole batch at once and share what several columns read
(a venue, an address, the first occurrence); any other getter is called once per record.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from types import NoneType, UnionType
from typing import Annotated, Any, Literal, Protocol, Union, get_args, get_origin

import pydantic
from pydantic import BaseModel

from rrma_core.exporters import ExportContext
from rrma_core.models import (
    PERSONAL_DATA,
    Actor,
    ActorRef,
    CallForProjects,
    DateRange,
    Event,
    LocalizedText,
    Occurrence,
    Person,
    Place,
    Price,
    Record,
    Resource,
    Training,
)
from rrma_core.vocabularies import (
    ActorType,
    AttendanceMode,
    CallStatus,
    EventKind,
    EventStatus,
    LocalAuthorityLevel,
    ResourceKind,
    TrainingFormat,
)

__all__ = [
    "BATCH_SIZE",
    "SEPARATOR",
    "Attribute",
    "Batch",
    "BatchGetter",
    "Column",
    "Env",
    "FieldType",
    "Path",
    "Table",
    "batches",
    "column_values",
    "describe_models",
    "enum_vocabulary",
    "first_occurrence",
    "group_by_model",
    "last_occurrence",
    "people",
    "person",
    "sorted_occurrences",
    "table_for",
]

#: The Table Schema types the columns use (all of which frictionless validates).
FieldType = Literal["string", "integer", "number", "boolean", "date", "datetime"]

#: Joins the items of a list in one cell.
SEPARATOR = " | "


@dataclass(frozen=True, slots=True)
class Env:
    """What getters need besides the record: language, time zone, the export's time."""

    lang: str
    tz: tzinfo
    now: datetime
    personal_data: bool
    today: date

    @classmethod
    def of(cls, ctx: ExportContext) -> Env:
        """The environment of an export."""
        now = ctx.now if ctx.now.tzinfo is not None else ctx.now.replace(tzinfo=UTC)
        return cls(
            lang=ctx.lang,
            tz=ctx.timezone,
            now=now,
            personal_data=ctx.personal_data,
            today=now.astimezone(ctx.timezone).date(),
        )


class Getter(Protocol):
    """``get(record, env)``: a column's value for a record (``env`` is passed by name)."""

    def __call__(self, record: Any, /, env: Env) -> Any: ...


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a table.

    Attributes:
        name: Its name (the CSV header, the Table Schema field name, the GeoJSON property).
        type: Its Table Schema type. ``date`` columns take a date or a date-time (written as
            the local day); ``datetime`` columns are left empty for a date (all day).
        title: Its title in French and in English.
        get: ``get(record, env)``: the value, ``None`` when there is none.
        description: What it holds, in French and in English, when the title is not enough.
        vocabulary: The vocabulary its codes come from (labels are written with ``labels``).
        closed: Every code it may hold (an ``enum`` constraint in the Table Schema).
        many: Whether it holds a list (written joined by ``" | "`` in a cell).
        numbers: Whether the items of a list are whole numbers (SDGs), not text.
        personal: Whether it holds personal data (written only when asked for).
        constraints: More Table Schema constraints (``minimum``, ``maximum``...).
    """

    name: str
    type: FieldType
    title: tuple[str, str]
    get: Getter
    description: tuple[str, str] | None = None
    vocabulary: str | None = None
    closed: tuple[str, ...] = ()
    many: bool = False
    numbers: bool = False
    personal: bool = False
    constraints: Mapping[str, Any] = field(default_factory=dict)

    def title_in(self, lang: str) -> str:
        """The title in ``lang`` (French unless English is asked for)."""
        return self.title[1] if lang.startswith("en") else self.title[0]

    def description_in(self, lang: str) -> str | None:
        """The description in ``lang``, if it has one."""
        if self.description is None:
            return None
        return self.description[1] if lang.startswith("en") else self.description[0]


@dataclass(frozen=True, slots=True)
class Table:
    """The columns of one model, and the name of its table in a data package."""

    name: str
    model: type[Record]
    title: tuple[str, str]
    columns: tuple[Column, ...]

    def visible(self, personal_data: bool) -> list[Column]:
        """The columns written: those holding personal data only when asked for."""
        return [c for c in self.columns if personal_data or not c.personal]

    def title_in(self, lang: str) -> str:
        """The table's title in ``lang``."""
        return self.title[1] if lang.startswith("en") else self.title[0]


# --- Batches and small getters ---------------------------------------------------------------

#: How many records exporters read at once: enough for the per-batch work to be small, few
#: enough for a batch's values to stay a small part of memory.
BATCH_SIZE = 250


class Batch:
    """Records read together, column by column, and the values their columns share.

    Exporters read records a batch at a time: each column's getter gives its values for the
    whole batch at once (with ``map``, ``attrgetter`` and comprehensions rather than a
    function call per cell), and what several columns need (a venue, its address, the first
    occurrence) is read once per batch. Values are computed afresh for each batch of each
    export: nothing is kept on the records.
    """

    __slots__ = ("_shared", "env", "records")

    def __init__(self, records: Sequence[Any], env: Env) -> None:
        self.records = records
        self.env = env
        self._shared: dict[Hashable, list[Any]] = {}

    def path(self, names: tuple[str, ...]) -> list[Any]:
        """``record.a.b...`` for each record (``None`` from the first step that is ``None``).

        Read once per batch for each path and its prefixes: callers must not change the list.
        """
        values = self._shared.get(names)
        if values is None:
            if len(names) == 1:
                values = list(map(operator.attrgetter(names[0]), self.records))
            else:
                last = names[-1]
                values = [None if v is None else getattr(v, last) for v in self.path(names[:-1])]
            self._shared[names] = values
        return values

    def shared(self, make: Callable[[Batch], list[Any]]) -> list[Any]:
        """``make(batch)``, made once per batch (``make`` is its key): callers must not change
        the list."""
        values = self._shared.get(make)
        if values is None:
            values = self._shared[make] = make(self)
        return values


def batches(records: Sequence[Any], env: Env, size: int | None = None) -> Iterator[Batch]:
    """``records`` in batches of ``size`` (``BATCH_SIZE``), in their order."""
    size = size or BATCH_SIZE
    for start in range(0, len(records), size):
        yield Batch(records[start : start + size], env)


class BatchGetter:
    """A getter that reads a whole batch at once (``values``).

    Called with one record (as any getter), it reads a batch of one: the two ways give the
    same values, from the same code.
    """

    __slots__ = ()

    def values(self, batch: Batch) -> list[Any]:
        """The column's value for each record of the batch."""
        raise NotImplementedError

    def __call__(self, record: Any, /, env: Env) -> Any:
        return self.values(Batch([record], env))[0]


def column_values(column: Column, batch: Batch) -> list[Any]:
    """The column's value for each record of ``batch`` (the caller must not change the list)."""
    get = column.get
    if isinstance(get, BatchGetter):
        return get.values(batch)
    env = batch.env
    return [get(record, env=env) for record in batch.records]


class Path(BatchGetter):
    """A getter reading ``record.a.b...``: ``None`` when a step is ``None`` (or ``[]``, for
    a list, with ``empty_list``)."""

    __slots__ = ("empty_list", "names")

    def __init__(self, *names: str, empty_list: bool = False) -> None:
        self.names = names
        self.empty_list = empty_list

    def values(self, batch: Batch) -> list[Any]:
        values = batch.path(self.names)
        if len(self.names) > 1 and self.empty_list:
            parents = batch.path(self.names[:-1])
            return [[] if p is None else v for p, v in zip(parents, values, strict=True)]
        return values


class Attribute(Path):
    """A getter reading one attribute of the record."""

    __slots__ = ()

    def __init__(self, name: str) -> None:
        super().__init__(name)

    @property
    def name(self) -> str:
        """The attribute's name."""
        return self.names[0]


def _attr(name: str) -> Getter:
    return Attribute(name)


class _Text(BatchGetter):
    """A multilingual text in the export's language (as ``LocalizedText.get``)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def values(self, batch: Batch) -> list[str | None]:
        lang = batch.env.lang
        texts: list[LocalizedText | None] = batch.path((self.name,))
        # The text in ``lang`` when there is one (what ``get`` looks for first; never empty),
        # else ``get``.
        return [None if t is None else t.root.get(lang) or t.get(lang) for t in texts]


def _text(name: str) -> Getter:
    return _Text(name)


class _Code(BatchGetter):
    """An enumeration's code."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def values(self, batch: Batch) -> list[str | None]:
        members: list[StrEnum | None] = batch.path((self.name,))
        # ``_value_`` is what ``.value`` gives, without its descriptor's cost.
        return [None if m is None else m._value_ for m in members]


def _value(name: str) -> Getter:
    """An enumeration's code."""
    return _Code(name)


class _Strings(BatchGetter):
    """A list's items as text (numbers, or actor references as their names)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def values(self, batch: Batch) -> list[list[str]]:
        return [list(map(str, items)) for items in batch.path((self.name,))]


def _codes(name: str) -> Getter:
    """A list of codes (text, or a closed vocabulary's members: text too), as it is."""
    return Attribute(name)


class _Names(BatchGetter):
    """A list of actor references as text: what ``str(ref)`` gives, its name (else its id),
    read without a call per reference."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def values(self, batch: Batch) -> list[list[str]]:
        refs: list[list[ActorRef]] = batch.path((self.name,))
        return [[r.name or r.id or "" for r in items] for items in refs]  # ActorRef.__str__


def _names(name: str) -> Getter:
    return _Names(name)


def person(p: Person) -> str:
    """A person in one cell: ``Name (role) <e-mail> phone``."""
    text = p.name
    if p.role:
        text += f" ({p.role})"
    if p.email:
        text += f" <{p.email}>"
    if p.phone:
        text += f" {p.phone}"
    return text


def people(persons: Iterable[Person | None]) -> list[str]:
    """Persons in cells, each once, in their first order."""
    seen: dict[str, None] = {}
    for p in persons:
        if p is not None:
            seen.setdefault(person(p), None)
    return list(seen)


def _closed(enum: type[StrEnum]) -> tuple[str, ...]:
    return tuple(m.value for m in enum)


# --- Places ----------------------------------------------------------------------------------


def _place_columns(
    attr: str, prefix: str, name_column: str | None, title: tuple[str, str] = ("Lieu", "Place")
) -> list[Column]:
    """The columns of a place: its name, address, INSEE codes and coordinates."""

    def address_part(part: str) -> Getter:
        return Path(attr, "address", part)

    def coordinate(part: str) -> Getter:
        return Path(attr, "coordinates", part)

    place_name = Path(attr, "name")

    columns = []
    if name_column is not None:
        columns.append(Column(name_column, "string", title, place_name))
    columns += [
        Column(f"{prefix}street", "string", ("Adresse", "Street address"), address_part("street")),
        Column(
            f"{prefix}postal_code",
            "string",
            ("Code postal", "Postal code"),
            address_part("postal_code"),
        ),
        Column(f"{prefix}city", "string", ("Commune", "City"), address_part("city")),
        Column(
            f"{prefix}commune",
            "string",
            ("Code INSEE de la commune", "Commune INSEE code"),
            address_part("commune"),
        ),
        Column(
            f"{prefix}departement",
            "string",
            ("Département (code INSEE)", "Département (INSEE code)"),
            address_part("departement"),
        ),
        Column(
            f"{prefix}region",
            "string",
            ("Région (code INSEE)", "Région (INSEE code)"),
            address_part("region"),
        ),
        Column(
            f"{prefix}country",
            "string",
            ("Pays", "Country"),
            address_part("country"),
            description=("Code ISO 3166-1 alpha-2.", "ISO 3166-1 alpha-2 code."),
        ),
        Column(
            f"{prefix}lat",
            "number",
            ("Latitude", "Latitude"),
            coordinate("lat"),
            description=("WGS84, en degrés décimaux.", "WGS84, in decimal degrees."),
            constraints={"minimum": -90, "maximum": 90},
        ),
        Column(
            f"{prefix}lon",
            "number",
            ("Longitude", "Longitude"),
            coordinate("lon"),
            description=("WGS84, en degrés décimaux.", "WGS84, in decimal degrees."),
            constraints={"minimum": -180, "maximum": 180},
        ),
    ]
    return columns


# --- Columns every record has ----------------------------------------------------------------

_ID = Column(
    "id",
    "string",
    ("Identifiant", "Identifier"),
    _attr("id"),
    description=("Identifiant stable de l'enregistrement.", "The record's stable identifier."),
    constraints={"required": True, "unique": True},
)
_UPDATED = Column(
    "updated_at",
    "datetime",
    ("Mis à jour le", "Updated at"),
    _attr("updated_at"),
    description=("Dernière modification de l'enregistrement.", "When the record last changed."),
)
_URL = Column("url", "string", ("Lien", "Link"), _attr("url"))


def _numbers(name: str) -> Getter:
    return Attribute(name)  # a list of whole numbers, as it is


def _sdgs(name: str = "sdgs") -> Column:
    return Column(
        name,
        "string",
        ("ODD", "SDGs"),
        _numbers(name),
        many=True,
        numbers=True,
        description=(
            "Numéros des objectifs de développement durable (1 à 17).",
            "Sustainable Development Goal numbers (1 to 17).",
        ),
    )


def _sectors(name: str, title: tuple[str, str] = ("Thématiques", "Themes")) -> Column:
    return Column(name, "string", title, _codes(name), vocabulary="sectors", many=True)


# --- Actors ----------------------------------------------------------------------------------


def _contacts(record: Actor, env: Env) -> list[str]:
    return people(record.contacts)


def _actor_table() -> Table:
    columns = [
        _ID,
        Column("name", "string", ("Nom", "Name"), _attr("name")),
        Column("acronym", "string", ("Sigle", "Acronym"), _attr("acronym")),
        Column(
            "actor_type",
            "string",
            ("Type d'acteur", "Actor type"),
            _value("actor_type"),
            vocabulary="actor_types",
            closed=_closed(ActorType),
        ),
        Column(
            "local_authority_level",
            "string",
            ("Niveau de collectivité", "Local authority level"),
            _value("local_authority_level"),
            vocabulary="local_authority_levels",
            closed=_closed(LocalAuthorityLevel),
        ),
        Column("description", "string", ("Description", "Description"), _text("description")),
        Column(
            "rna",
            "string",
            ("Numéro RNA", "RNA number"),
            _attr("rna"),
            description=("Répertoire national des associations.", "French associations register."),
        ),
        Column("siren", "string", ("SIREN", "SIREN"), _attr("siren")),
        Column("siret", "string", ("SIRET du siège", "Head office SIRET"), _attr("siret")),
        *_place_columns("head_office", "", "head_office", ("Siège", "Head office")),
        Column("website", "string", ("Site web", "Website"), _attr("website")),
        Column(
            "email",
            "string",
            ("Courriel", "E-mail"),
            _attr("email"),
            description=("L'adresse de la structure.", "The organisation's own address."),
        ),
        Column(
            "countries",
            "string",
            ("Pays d'intervention", "Countries of intervention"),
            _codes("countries"),
            vocabulary="countries",
            many=True,
        ),
        _sectors("sectors", ("Secteurs", "Sectors")),
        _sdgs(),
        Column(
            "memberships", "string", ("Adhésions", "Memberships"), _names("memberships"), many=True
        ),
        Column(
            "contacts",
            "string",
            ("Contacts", "Contacts"),
            _contacts,
            many=True,
            personal=True,
            description=("Données personnelles.", "Personal data."),
        ),
        _UPDATED,
    ]
    return Table("actors", Actor, ("Annuaire des acteurs", "Directory of actors"), tuple(columns))


# --- Events ----------------------------------------------------------------------------------


def _starts(start: date | datetime) -> datetime:
    """When a span starts, as an aware date-time (midnight UTC for a day), for ordering."""
    return start if isinstance(start, datetime) else datetime.combine(start, time(), UTC)


def _ends(start: date | datetime, end: date | datetime | None) -> datetime:
    """When a span is over (the day after its last day when given as days), for ordering."""
    last = end or start
    if isinstance(last, datetime):
        return last
    return datetime.combine(last + timedelta(days=1), time(), UTC)


def _sort_key(occurrence: Occurrence) -> datetime:
    return _starts(occurrence.start)


def _end_key(occurrence: Occurrence) -> datetime:
    return _ends(occurrence.start, occurrence.end)


def first_occurrence(event: Event) -> Occurrence:
    """The occurrence that starts first."""
    occurrences = event.occurrences
    return occurrences[0] if len(occurrences) == 1 else min(occurrences, key=_sort_key)


def last_occurrence(event: Event) -> Occurrence:
    """The occurrence that ends last."""
    occurrences = event.occurrences
    return occurrences[0] if len(occurrences) == 1 else max(occurrences, key=_end_key)


def sorted_occurrences(event: Event) -> list[Occurrence]:
    """The occurrences, first first."""
    return sorted(event.occurrences, key=_sort_key)


def _firsts(batch: Batch) -> list[Occurrence]:
    """Each event's first occurrence (``first_occurrence``)."""
    occurrences: list[list[Occurrence]] = batch.path(("occurrences",))
    return [o[0] if len(o) == 1 else min(o, key=_sort_key) for o in occurrences]


def _lasts(batch: Batch) -> list[Occurrence]:
    """Each event's last occurrence (``last_occurrence``)."""
    occurrences: list[list[Occurrence]] = batch.path(("occurrences",))
    return [o[0] if len(o) == 1 else max(o, key=_end_key) for o in occurrences]


class _Span(BatchGetter):
    """An event's start (its first occurrence's), end or last day (its last occurrence's)."""

    __slots__ = ("part",)

    def __init__(self, part: Literal["start", "end", "last_day"]) -> None:
        self.part = part

    def values(self, batch: Batch) -> list[Any]:
        if self.part == "start":
            return [o.start for o in batch.shared(_firsts)]
        lasts: list[Occurrence] = batch.shared(_lasts)
        if self.part == "end":
            return [o.end for o in lasts]
        return [o.end or o.start for o in lasts]


_start = _Span("start")
_end = _Span("end")
_last_day = _Span("last_day")
_ALL_DAY = operator.attrgetter("all_day")


class _AllDay(BatchGetter):
    """Whether every occurrence of an event is all day."""

    __slots__ = ()

    def values(self, batch: Batch) -> list[bool]:
        occurrences: list[list[Occurrence]] = batch.path(("occurrences",))
        return [o[0].all_day if len(o) == 1 else all(map(_ALL_DAY, o)) for o in occurrences]


class _Count(BatchGetter):
    """How many items a list attribute holds."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def values(self, batch: Batch) -> list[int]:
        return list(map(len, batch.path((self.name,))))


class _Currency(BatchGetter):
    """A price's currency, when it has an amount."""

    __slots__ = ()

    def values(self, batch: Batch) -> list[str | None]:
        prices: list[Price | None] = batch.path(("price",))
        return [None if p is None or p.amount is None else p.currency for p in prices]


_free = Path("price", "free")
_price = Path("price", "amount")
_price_text = Path("price", "text")
_currency = _Currency()


def _price_columns() -> list[Column]:
    return [
        Column("free", "boolean", ("Gratuit", "Free"), _free),
        Column("price", "number", ("Tarif", "Price"), _price, constraints={"minimum": 0}),
        Column("currency", "string", ("Devise", "Currency"), _currency),
        Column("price_text", "string", ("Tarif (texte)", "Price (as written)"), _price_text),
    ]


def _event_table() -> Table:
    columns = [
        _ID,
        Column("title", "string", ("Titre", "Title"), _text("title")),
        Column("description", "string", ("Description", "Description"), _text("description")),
        Column(
            "event_kind",
            "string",
            ("Type d'événement", "Event kind"),
            _value("event_kind"),
            vocabulary="event_kinds",
            closed=_closed(EventKind),
        ),
        Column(
            "status",
            "string",
            ("Statut", "Status"),
            _value("status"),
            vocabulary="event_statuses",
            closed=_closed(EventStatus),
        ),
        Column(
            "start",
            "datetime",
            ("Début", "Start"),
            _start,
            description=(
                "Début de la première date (vide pour un événement sur la journée).",
                "When the first occurrence starts (empty for an all-day event).",
            ),
        ),
        Column(
            "end",
            "datetime",
            ("Fin", "End"),
            _end,
            description=(
                "Fin de la dernière date (vide quand elle n'est pas donnée).",
                "When the last occurrence ends (empty when not given).",
            ),
        ),
        Column("start_date", "date", ("Premier jour", "First day"), _start),
        Column("end_date", "date", ("Dernier jour", "Last day"), _last_day),
        Column("all_day", "boolean", ("Journée entière", "All day"), _AllDay()),
        Column(
            "occurrences",
            "integer",
            ("Nombre de dates", "Occurrences"),
            _Count("occurrences"),
            constraints={"minimum": 1},
        ),
        *_place_columns("venue", "", "venue", ("Lieu", "Venue")),
        Column(
            "attendance_mode",
            "string",
            ("Participation", "Attendance"),
            _value("attendance_mode"),
            vocabulary="attendance_modes",
            closed=_closed(AttendanceMode),
        ),
        Column("online_url", "string", ("Lien en ligne", "Online link"), _attr("online_url")),
        Column(
            "organisers", "string", ("Organisateurs", "Organisers"), _names("organisers"), many=True
        ),
        Column(
            "audiences",
            "string",
            ("Publics", "Audiences"),
            _codes("audiences"),
            vocabulary="audiences",
            many=True,
        ),
        *_price_columns(),
        Column(
            "registration_url",
            "string",
            ("Inscription", "Registration"),
            _attr("registration_url"),
        ),
        Column(
            "campaign_edition",
            "string",
            ("Campagne", "Campaign"),
            _attr("campaign_edition"),
            description=(
                "Identifiant de l'édition de campagne (alimenterre-2026).",
                "The campaign edition's identifier (alimenterre-2026).",
            ),
        ),
        _sectors("themes"),
        _sdgs(),
        Column("keywords", "string", ("Mots-clés", "Keywords"), _codes("keywords"), many=True),
        _URL,
        _UPDATED,
    ]
    return Table("events", Event, ("Agenda", "Events"), tuple(columns))


# --- Calls for projects ----------------------------------------------------------------------


def _call_status(call: CallForProjects, env: Env) -> str:
    return call.status(env.now, tz=env.tz).value


def _days_left(call: CallForProjects, env: Env) -> int | None:
    return call.days_left(env.today, tz=env.tz)


def _amount(part: str) -> Getter:
    return Path("amount", part)


def _perimeter(part: str) -> Getter:
    return Path("perimeter", part, empty_list=part in ("regions", "departements"))


def _call_table() -> Table:
    as_of = (
        "À la date de l'export, dans le fuseau du réseau.",
        "On the day of the export, in the network's time zone.",
    )
    columns = [
        _ID,
        Column("title", "string", ("Titre", "Title"), _text("title")),
        Column("description", "string", ("Description", "Description"), _text("description")),
        Column("funders", "string", ("Financeurs", "Funders"), _names("funders"), many=True),
        Column(
            "status",
            "string",
            ("Statut", "Status"),
            _call_status,
            vocabulary="call_statuses",
            closed=_closed(CallStatus),
            description=as_of,
        ),
        Column(
            "days_left",
            "integer",
            ("Jours restants", "Days left"),
            _days_left,
            description=(
                "Jours jusqu'à la date limite (0 le jour même, négatif une fois passée), "
                "à la date de l'export.",
                "Days to the deadline (0 on the day, negative once past), on the day of the "
                "export.",
            ),
        ),
        Column("published_on", "date", ("Publié le", "Published on"), _attr("published_on")),
        Column("opens_on", "date", ("Ouverture", "Opens on"), _attr("opens_on")),
        Column(
            "deadline",
            "date",
            ("Date limite", "Deadline"),
            _attr("deadline"),
            description=(
                "Le dernier jour pour répondre.",
                "The last day on which one may apply.",
            ),
        ),
        Column(
            "deadline_at",
            "datetime",
            ("Heure limite", "Deadline time"),
            _attr("deadline"),
            description=(
                "L'heure limite, quand l'appel en donne une (sinon, toute la journée).",
                "The exact deadline, when the call gives a time (else the whole day).",
            ),
        ),
        Column(
            "amount_min",
            "number",
            ("Montant minimum", "Minimum amount"),
            _amount("min"),
            constraints={"minimum": 0},
        ),
        Column(
            "amount_max",
            "number",
            ("Montant maximum", "Maximum amount"),
            _amount("max"),
            constraints={"minimum": 0},
        ),
        Column("currency", "string", ("Devise", "Currency"), _amount("currency")),
        Column(
            "rate",
            "number",
            ("Taux de financement (%)", "Funding rate (%)"),
            _amount("rate"),
            constraints={"minimum": 0, "maximum": 100},
        ),
        Column(
            "amount_text", "string", ("Montant (texte)", "Amount (as written)"), _amount("text")
        ),
        Column(
            "eligible_actor_types",
            "string",
            ("Structures éligibles", "Eligible actors"),
            _codes("eligible_actor_types"),
            vocabulary="actor_types",
            many=True,
            closed=_closed(ActorType),
        ),
        Column("national", "boolean", ("National", "Nationwide"), _perimeter("national")),
        Column(
            "perimeter_regions",
            "string",
            ("Régions éligibles", "Eligible régions"),
            _perimeter("regions"),
            many=True,
        ),
        Column(
            "perimeter_departements",
            "string",
            ("Départements éligibles", "Eligible départements"),
            _perimeter("departements"),
            many=True,
        ),
        Column("perimeter_text", "string", ("Périmètre", "Perimeter"), _perimeter("text")),
        _sectors("themes"),
        _sdgs(),
        Column(
            "countries",
            "string",
            ("Pays", "Countries"),
            _codes("countries"),
            vocabulary="countries",
            many=True,
        ),
        _URL,
        _UPDATED,
    ]
    return Table(
        "calls", CallForProjects, ("Appels à projets", "Calls for projects"), tuple(columns)
    )


# --- Resources -------------------------------------------------------------------------------


def _resource_table() -> Table:
    columns = [
        _ID,
        Column("title", "string", ("Titre", "Title"), _text("title")),
        Column("description", "string", ("Description", "Description"), _text("description")),
        Column(
            "resource_kind",
            "string",
            ("Type de ressource", "Resource kind"),
            _value("resource_kind"),
            vocabulary="resource_kinds",
            closed=_closed(ResourceKind),
        ),
        Column("authors", "string", ("Auteurs", "Authors"), _names("authors"), many=True),
        _sectors("themes"),
        _sdgs(),
        Column("published_on", "date", ("Publié le", "Published on"), _attr("published_on")),
        Column("licence", "string", ("Licence", "Licence"), _attr("licence")),
        Column("languages", "string", ("Langues", "Languages"), _codes("languages"), many=True),
        _URL,
        _UPDATED,
    ]
    return Table("resources", Resource, ("Ressources", "Resources"), tuple(columns))


# --- Trainings -------------------------------------------------------------------------------


def _session_day(which: Literal["first", "last"]) -> Getter:
    def get(training: Training, env: Env) -> date | datetime | None:
        sessions = training.sessions
        if not sessions:
            return None
        if which == "first":
            return min(sessions, key=lambda s: _starts(s.start)).start
        last = max(sessions, key=lambda s: _ends(s.start, s.end))
        return last.end or last.start

    return get


def _session_cities(training: Training, env: Env) -> list[str]:
    cities: dict[str, None] = {}
    for session in training.sessions:
        venue = session.venue
        if venue is not None and venue.address is not None and venue.address.city:
            cities.setdefault(venue.address.city, None)
    return list(cities)


def _trainers(training: Training, env: Env) -> list[str]:
    return people(t for s in training.sessions for t in s.trainers)


def _training_table() -> Table:
    columns = [
        _ID,
        Column("title", "string", ("Titre", "Title"), _text("title")),
        Column("description", "string", ("Description", "Description"), _text("description")),
        Column(
            "training_format",
            "string",
            ("Format", "Format"),
            _value("training_format"),
            vocabulary="training_formats",
            closed=_closed(TrainingFormat),
        ),
        Column(
            "themes",
            "string",
            ("Thèmes de formation", "Training themes"),
            _codes("themes"),
            vocabulary="training_themes",
            many=True,
        ),
        _sectors("sectors", ("Secteurs", "Sectors")),
        _sdgs(),
        Column(
            "hours",
            "number",
            ("Durée (heures)", "Length (hours)"),
            _attr("hours"),
            constraints={"minimum": 0},
        ),
        Column(
            "organiser",
            "string",
            ("Organisateur", "Organiser"),
            lambda t, env: None if t.organiser is None else str(t.organiser),
        ),
        Column(
            "sessions",
            "integer",
            ("Sessions", "Sessions"),
            lambda t, env: len(t.sessions),
            constraints={"minimum": 0},
        ),
        Column("first_day", "date", ("Premier jour", "First day"), _session_day("first")),
        Column("last_day", "date", ("Dernier jour", "Last day"), _session_day("last")),
        Column("cities", "string", ("Communes", "Cities"), _session_cities, many=True),
        Column(
            "registered",
            "integer",
            ("Inscrits", "Registered"),
            lambda t, env: sum(s.registered for s in t.sessions),
            constraints={"minimum": 0},
            description=(
                "Inscriptions actives (hors liste d'attente et annulations), toutes sessions.",
                "Active registrations (not waiting or cancelled), all sessions.",
            ),
        ),
        Column(
            "trainers",
            "string",
            ("Formateurs", "Trainers"),
            _trainers,
            many=True,
            personal=True,
            description=("Données personnelles.", "Personal data."),
        ),
        *_price_columns(),
        Column("supports", "string", ("Supports", "Supports"), _codes("supports"), many=True),
        _URL,
        _UPDATED,
    ]
    return Table("trainings", Training, ("Formations", "Trainings"), tuple(columns))


# --- Any other model: columns from its fields ------------------------------------------------

_SKIPPED = frozenset({"provenance", "created_at", "updated_at", "withdrawn_at"})
_COUNTRY_FIELDS = frozenset({"country", "countries"})


def _strip_optional(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, UnionType):
        members = [a for a in get_args(annotation) if a is not NoneType]
        if len(members) == 1:
            return members[0]
        return Union[tuple(members)]  # noqa: UP007 - built at run time
    return annotation


def _unannotated(annotation: Any) -> tuple[Any, str | None]:
    """The bare type and the vocabulary an ``Annotated`` type names (``x-vocabulary``)."""
    vocabulary = None
    while get_origin(annotation) is Annotated:
        base, *metadata = get_args(annotation)
        for item in metadata:
            extra = getattr(item, "json_schema_extra", None)
            if isinstance(extra, dict) and isinstance(extra.get("x-vocabulary"), str):
                vocabulary = extra["x-vocabulary"]
        annotation = _strip_optional(base)
    return annotation, vocabulary


def enum_vocabulary(enum: type[StrEnum]) -> str:
    """The vocabulary of a closed enumeration (``ActorType`` → ``actor_types``)."""
    words = "".join(f"_{c.lower()}" if c.isupper() else c for c in enum.__name__).lstrip("_")
    return words + ("es" if words.endswith("s") else "s")


def _is(annotation: Any, kind: type) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, kind)


def _dump(value: Any, env: Env) -> str | None:
    """A nested value as compact JSON text (personal data taken out unless asked for)."""
    if value is None or value == [] or value == {}:
        return None
    if not env.personal_data:
        if isinstance(value, list):
            value = [
                v.without_personal_data() if hasattr(v, "without_personal_data") else v
                for v in value
            ]
        elif hasattr(value, "without_personal_data"):
            value = value.without_personal_data()
    kind = type(value)
    adapter = _ADAPTERS.get(kind)
    if adapter is None:
        adapter = _ADAPTERS[kind] = pydantic.TypeAdapter(kind)
    return adapter.dump_json(value, exclude_none=True).decode()


_ADAPTERS: dict[type, pydantic.TypeAdapter[Any]] = {}


def _json_getter(name: str) -> Getter:
    def get(record: Any, env: Env) -> str | None:
        return _dump(getattr(record, name), env)

    return get


def _generic_columns(name: str, info: pydantic.fields.FieldInfo) -> list[Column]:
    title = (name.replace("_", " ").capitalize(),) * 2
    extra = info.json_schema_extra
    personal = isinstance(extra, dict) and bool(extra.get(PERSONAL_DATA))
    annotation, vocabulary = _unannotated(_strip_optional(info.annotation))
    if name == "id":
        return [_ID]
    if get_origin(annotation) is list:
        (item,) = get_args(annotation) or (Any,)
        item, vocabulary = _unannotated(_strip_optional(item))
        if _is(item, StrEnum):
            return [
                Column(
                    name, "string", title, _codes(name), many=True, vocabulary=enum_vocabulary(item)
                )
            ]
        if vocabulary == "sdg":
            return [_sdgs(name)]
        if item in (str, int, float):
            if vocabulary is None and name in _COUNTRY_FIELDS:
                vocabulary = "countries"
            get = _codes(name) if item is str else _Strings(name)
            return [Column(name, "string", title, get, many=True, vocabulary=vocabulary)]
        if _is(item, ActorRef):
            return [Column(name, "string", title, _names(name), many=True)]
        if _is(item, Person):

            def persons(record: Any, env: Env) -> list[str]:
                return people(getattr(record, name))

            return [Column(name, "string", title, persons, many=True, personal=True)]
        return [Column(name, "string", title, _json_getter(name), personal=personal)]
    if _is(annotation, Place):
        return _place_columns(name, f"{name}_", name)
    if _is(annotation, DateRange):

        def bound(part: str) -> Getter:
            return Path(name, part)

        return [
            Column(
                f"{name}_start",
                "date",
                (f"{title[0]} (début)", f"{title[1]} (start)"),
                bound("start"),
            ),
            Column(f"{name}_end", "date", (f"{title[0]} (fin)", f"{title[1]} (end)"), bound("end")),
        ]
    if _is(annotation, LocalizedText):
        return [Column(name, "string", title, _text(name))]
    if _is(annotation, StrEnum):
        return [
            Column(
                name,
                "string",
                title,
                _value(name),
                vocabulary=enum_vocabulary(annotation),
                closed=_closed(annotation),
            )
        ]
    if _is(annotation, ActorRef):
        return [
            Column(
                name,
                "string",
                title,
                lambda r, env: None if (v := getattr(r, name)) is None else str(v),
            )
        ]
    if _is(annotation, Person):
        return [
            Column(
                name,
                "string",
                title,
                lambda r, env: None if (v := getattr(r, name)) is None else person(v),
                personal=True,
            )
        ]
    if annotation is bool:
        return [Column(name, "boolean", title, _attr(name))]
    if annotation is int:
        return [Column(name, "integer", title, _attr(name))]
    if annotation is float:
        return [Column(name, "number", title, _attr(name))]
    if _is(annotation, datetime) or annotation is pydantic.AwareDatetime:
        return [Column(name, "datetime", title, _attr(name))]
    if annotation is date:
        return [Column(name, "date", title, _attr(name))]
    if annotation is str:
        vocabulary = vocabulary or ("countries" if name in _COUNTRY_FIELDS else None)
        return [
            Column(name, "string", title, _attr(name), vocabulary=vocabulary, personal=personal)
        ]
    if set(get_args(annotation)) == {date, datetime}:
        # A date or a date-time: ISO 8601 text, the one type both fit in.
        return [
            Column(
                name,
                "string",
                title,
                lambda r, env: None if (v := getattr(r, name)) is None else v.isoformat(),
            )
        ]
    return [Column(name, "string", title, _json_getter(name), personal=personal)]


def _generic_table(model: type[Record]) -> Table:
    columns: list[Column] = []
    for name, info in model.model_fields.items():
        if name not in _SKIPPED:
            columns += _generic_columns(name, info)
    columns.append(_UPDATED)
    label = (model.__name__, model.__name__)
    record_type = model.record_type
    table_name = record_type if record_type.endswith("s") else f"{record_type}s"
    return Table(table_name, model, label, tuple(columns))


_BUILT: dict[type[BaseModel], Callable[[], Table]] = {
    Actor: _actor_table,
    Event: _event_table,
    CallForProjects: _call_table,
    Resource: _resource_table,
    Training: _training_table,
}


@functools.cache
def table_for(model: type[Record]) -> Table:
    """The table of ``model``: a hand-made one, or one made from its fields."""
    build = _BUILT.get(model)
    return build() if build is not None else _generic_table(model)


def group_by_model(records: Iterable[Record]) -> dict[type[Record], list[Record]]:
    """The records by model, in their first order."""
    groups: dict[type[Record], list[Record]] = {}
    for record in records:
        groups.setdefault(type(record), []).append(record)
    return groups


def describe_models(groups: Mapping[type[Record], Sequence[Record]]) -> str:
    """``Actor: 32, Event: 47`` for an error message."""
    return ", ".join(
        f"{m.__name__}: {len(r)}"
        for m, r in sorted(groups.items(), key=lambda item: item[0].__name__)
    )
