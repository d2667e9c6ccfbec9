"""The base of every record: identity, provenance, multilingual text, places and persons."""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime
from typing import Annotated, Any, ClassVar, Self

import pydantic
import pydantic_core
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    RootModel,
    field_validator,
    model_validator,
)

from rrma_core.errors import InvalidRecord, Problem
from rrma_core.models._types import (
    CommuneCode,
    CountryCode,
    DepartementCode,
    HttpURL,
    PostalCode,
    RegionCode,
    finite,
)
from rrma_core.vocabularies._core import current_registry, fold
from rrma_core.vocabularies._geo import departement_of_commune

__all__ = [
    "PERSONAL_DATA",
    "ActorRef",
    "Address",
    "Coordinates",
    "DateRange",
    "LocalizedText",
    "Model",
    "Person",
    "Place",
    "Price",
    "Provenance",
    "Record",
    "check_span",
    "personal_field",
    "unique",
    "utcnow",
]

PERSONAL_DATA = "x-personal-data"
"""The JSON Schema mark of a field that holds personal data (GDPR): ``"x-personal-data": true``."""


def utcnow() -> datetime:
    """The current time, timezone-aware (UTC)."""
    return datetime.now(UTC)


def personal_field(*, default_factory: Any = list, description: str = "") -> Any:
    """A field holding personal data.

    It is marked in the JSON Schema, and emptied by ``without_personal_data``.
    """
    return Field(
        default_factory=default_factory,
        description=(description + " Personal data (GDPR).").strip(),
        json_schema_extra={PERSONAL_DATA: True},
    )


class Model(BaseModel):
    """Base of every model and sub-model: strict about unknown fields, trims strings."""

    model_config = ConfigDict(
        extra="forbid",
        validate_assignment=True,
        str_strip_whitespace=True,
        validate_default=False,
    )

    def without_personal_data(self) -> Self:
        """A copy with every field marked as personal data emptied, at any depth."""
        updates: dict[str, Any] = {}
        for name, info in type(self).model_fields.items():
            value = getattr(self, name)
            extra = info.json_schema_extra
            if isinstance(extra, dict) and extra.get(PERSONAL_DATA):
                updates[name] = info.get_default(call_default_factory=True)
            elif isinstance(value, Model):
                updates[name] = value.without_personal_data()
            elif isinstance(value, list) and value and isinstance(value[0], Model):
                updates[name] = [item.without_personal_data() for item in value]
        return self.model_copy(update=updates)

    def persons(self) -> Iterator[Person]:
        """Every [`Person`][rrma_core.models.Person] this object holds, at any depth."""
        for name in type(self).model_fields:
            yield from _persons_in(getattr(self, name))

    def forget(self, person_id: str) -> Self:
        """A copy in which the person ``person_id`` no longer appears (GDPR erasure).

        Lists of persons lose that entry; a single person field (such as a registration's
        trainee) becomes empty, so that counts made from the record stay right.
        """
        updates: dict[str, Any] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, Person) and value.id == person_id:
                updates[name] = None
            elif isinstance(value, Model):
                updates[name] = value.forget(person_id)
            elif isinstance(value, list):
                kept = [v for v in value if not (isinstance(v, Person) and v.id == person_id)]
                updates[name] = [v.forget(person_id) if isinstance(v, Model) else v for v in kept]
        return self.model_copy(update=updates)


def _unencodable_texts(value: Any, path: str = "") -> Iterator[Problem]:
    """A problem for each text in ``value`` (a model dump) that UTF-8 cannot encode."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as error:
            bad = value[error.start]
            yield Problem(
                path,
                value.encode("utf-8", "backslashreplace").decode("ascii", "backslashreplace"),
                f"holds an unpaired surrogate (U+{ord(bad):04X}), which no UTF-8 text can carry",
            )
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _unencodable_texts(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list | tuple | set | frozenset):
        for index, item in enumerate(value):
            yield from _unencodable_texts(item, f"{path}.{index}" if path else str(index))


def _persons_in(value: Any) -> Iterator[Person]:
    if isinstance(value, Person):
        yield value
    elif isinstance(value, Model):
        yield from value.persons()
    elif isinstance(value, list):
        for item in value:
            yield from _persons_in(item)


# --- Multilingual text -----------------------------------------------------------------------

_LANG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")


class LocalizedText(RootModel[dict[str, str]]):
    """Text in one or more languages, keyed by language tag: ``{"fr": "...", "en": "..."}``.

    A plain string counts as French. Empty translations are dropped; at least one must remain.

    Example:
        >>> t = LocalizedText.model_validate({"fr": "Festival", "en": "Festival"})
        >>> t.get("de")
        'Festival'
        >>> str(LocalizedText.model_validate("Projection-débat"))
        'Projection-débat'
    """

    @model_validator(mode="before")
    @classmethod
    def _from_plain_text(cls, value: Any) -> Any:
        if isinstance(value, LocalizedText):
            return value.root
        if isinstance(value, str):
            value = {"fr": value}
        if isinstance(value, Mapping):
            cleaned = {}
            for lang, text in value.items():
                if isinstance(lang, str):
                    primary, _, rest = lang.strip().replace("_", "-").partition("-")
                    lang = primary.lower() + (f"-{rest}" if rest else "")
                if not isinstance(lang, str) or not _LANG.fullmatch(lang):
                    raise ValueError(f"{lang!r} is not a language tag (such as fr, en, pt-BR)")
                if text is None:
                    continue
                if not isinstance(text, str):
                    raise ValueError(f"the {lang} text must be a string, not {type(text).__name__}")
                if text.strip():
                    cleaned[lang] = text.strip()
            if not cleaned:
                raise ValueError("text is empty in every language")
            return dict(sorted(cleaned.items()))  # one order, whatever the source's
        return value

    def get(self, lang: str = "fr") -> str:
        """The text in ``lang``, else in French, else in English, else in any language."""
        root = self.root
        for candidate in (lang, lang.split("-")[0], "fr", "en"):
            if candidate in root:
                return root[candidate]
        return next(iter(root.values()))

    def __str__(self) -> str:
        return self.get("fr")

    @property
    def languages(self) -> list[str]:
        """The languages this text exists in."""
        return list(self.root)


# --- Places ----------------------------------------------------------------------------------


class Coordinates(Model):
    """A WGS84 point."""

    model_config = ConfigDict(frozen=True)

    lat: Annotated[float, AfterValidator(finite)] = Field(description="Latitude, -90 to 90.")
    lon: Annotated[float, AfterValidator(finite)] = Field(description="Longitude, -180 to 180.")

    @model_validator(mode="after")
    def _in_range(self) -> Self:
        if not -90 <= self.lat <= 90:
            raise ValueError(f"latitude {self.lat} is out of range (-90 to 90)")
        if not -180 <= self.lon <= 180:
            raise ValueError(f"longitude {self.lon} is out of range (-180 to 180)")
        return self


class Address(Model):
    """A postal address, with the INSEE codes that place it in France's geography.

    ``departement`` and ``region`` are filled from the commune code when it is known, and
    checked against it when both are given. An address is immutable: make a new one (or
    ``model_copy(update=...)`` and validate) rather than change its commune.
    """

    model_config = ConfigDict(frozen=True)

    street: str | None = None
    postal_code: PostalCode | None = None
    city: str | None = None
    commune: CommuneCode | None = Field(default=None, description="INSEE code of the commune.")
    departement: DepartementCode | None = None
    region: RegionCode | None = None
    country: CountryCode = "FR"

    @model_validator(mode="after")
    def _fill_geography(self) -> Self:
        if self.country != "FR" and (self.commune or self.departement or self.region):
            raise ValueError(f"INSEE codes only apply to addresses in France, not {self.country}")
        departements = current_registry().get("departements")
        if self.commune is not None:
            derived = departement_of_commune(self.commune)
            if self.departement is not None and self.departement != derived:
                raise ValueError(
                    f"département {self.departement} does not match commune {self.commune} "
                    f"(which is in {derived})"
                )
            object.__setattr__(self, "departement", derived)
        if self.departement is not None:
            region = str(departements[self.departement].data["region"])
            if self.region is not None and self.region != region:
                raise ValueError(
                    f"région {self.region} does not match département {self.departement} "
                    f"(which is in région {region})"
                )
            object.__setattr__(self, "region", region)
        return self


class Place(Model):
    """Where something happens: a venue's name, its address and coordinates."""

    name: str | None = None
    address: Address | None = None
    coordinates: Coordinates | None = None

    @property
    def departement(self) -> str | None:
        """The département code, when the address gives one."""
        return self.address.departement if self.address else None

    @property
    def region(self) -> str | None:
        """The région code, when the address gives one."""
        return self.address.region if self.address else None


class DateRange(Model):
    """A span of calendar days, both ends included."""

    start: date
    end: date

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self

    @classmethod
    def year(cls, year: int) -> DateRange:
        """The whole calendar ``year``."""
        return cls(start=date(year, 1, 1), end=date(year, 12, 31))

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= _day(day) <= self.end


class Price(Model):
    """What attending costs: free, an amount, or the source's own words."""

    free: bool | None = None
    amount: Annotated[float, AfterValidator(finite)] | None = Field(default=None, ge=0)
    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")
    text: str | None = Field(default=None, description='As written: "prix libre", "5 € / 3 €".')

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.free and self.amount:
            raise ValueError(f"a free event cannot cost {self.amount} {self.currency}")
        return self


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def check_span(start: date | datetime | None, end: date | datetime | None) -> None:
    """Refuse an ``end`` before its ``start``, and a date mixed with a date-time.

    Raises:
        ValueError: naming both values.
    """
    if start is None or end is None:
        return
    if isinstance(start, datetime) != isinstance(end, datetime):
        raise ValueError(
            f"start {start.isoformat()} and end {end.isoformat()} must both be dates "
            "(all day) or both date-times"
        )
    if end < start:
        raise ValueError(f"end {end.isoformat()} is before start {start.isoformat()}")


def span_id(prefix: str, start: date | datetime, end: date | datetime | None) -> str:
    """A stable id made from a span's dates (for sessions and meetings given without one)."""
    key = f"{start.isoformat()}/{end.isoformat() if end else ''}"
    return f"{prefix}-{hashlib.sha256(key.encode()).hexdigest()[:12]}"


def unique(values: list[Any]) -> list[Any]:
    """The values without repeats, in their first order."""
    seen: list[Any] = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return seen


# --- Persons and references ------------------------------------------------------------------


def _check_email(value: str) -> str:
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
        raise ValueError(f"{value!r} is not an e-mail address")
    return value


class Person(Model):
    """A natural person: a contact, a trainer, a trainee. Personal data (GDPR).

    Every person has a stable ``id`` so that all of their data can be found and erased.
    """

    id: str = Field(
        default="",
        description="Stable id; made from the name and e-mail when not given, so that the "
        "same person gets the same id in every record (and can be found to be forgotten).",
    )
    name: str = Field(min_length=1)
    email: Annotated[str, AfterValidator(_check_email)] | None = None
    phone: str | None = None
    role: str | None = Field(default=None, description="Their role or position.")
    organisation: str | None = None

    @model_validator(mode="after")
    def _stable_id(self) -> Self:
        if not self.id:
            key = f"{fold(self.name)}\x1f{(self.email or '').casefold()}"
            object.__setattr__(
                self, "id", "person-" + hashlib.sha256(key.encode()).hexdigest()[:24]
            )
        return self


class ActorRef(Model):
    """A reference to an actor: its record id when it is in the directory, else its name."""

    id: str | None = Field(default=None, description="The id of an Actor record, if known.")
    name: str | None = None
    role: str | None = Field(default=None, description="Its role here (organiser, funder...).")

    @model_validator(mode="after")
    def _id_or_name(self) -> Self:
        if not self.id and not self.name:
            raise ValueError("an actor reference needs an id or a name")
        return self

    def __str__(self) -> str:
        return self.name or self.id or ""


# --- Provenance and the record base ----------------------------------------------------------


class Provenance(Model):
    """Where a record came from: one entry per source that delivered it."""

    model_config = ConfigDict(frozen=True)

    source: str = Field(
        min_length=1, description='The source\'s name in the workspace, or "manual".'
    )
    source_id: str | None = Field(default=None, description="The item's id in that source.")
    url: HttpURL | None = None
    fetched_at: AwareDatetime | None = None
    content_hash: str | None = Field(
        default=None, pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the record's content."
    )


_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@-]{0,199}")
_NOT_CONTENT = frozenset({"id", "provenance", "created_at", "updated_at", "withdrawn_at"})


class Record(Model):
    """Base class of the top-level records (actors, events, calls for projects...).

    Every record has a stable ``id``, its ``provenance`` and its ``created_at`` / ``updated_at``
    times. When no id is given, one is made: from the first provenance's source and source id
    when there is one (so the same item always gets the same id), else at random.
    """

    record_type: ClassVar[str] = "record"

    id: str = Field(
        default="", description="Stable identifier, unique within the workspace (made when empty)."
    )
    provenance: list[Provenance] = Field(default_factory=list)
    created_at: AwareDatetime = Field(default_factory=utcnow)
    updated_at: AwareDatetime = Field(default_factory=utcnow)
    withdrawn_at: AwareDatetime | None = Field(
        default=None, description="When the record was withdrawn (records are never deleted)."
    )

    @model_validator(mode="before")
    @classmethod
    def _default_created(cls, data: Any) -> Any:
        # A source that gives only an update time: the record cannot be younger than that.
        if isinstance(data, dict) and data.get("updated_at") and not data.get("created_at"):
            data = {**data, "created_at": data["updated_at"]}
        return data

    @field_validator("id", mode="before")
    @classmethod
    def _none_is_missing(cls, value: Any) -> Any:
        return "" if value is None else value

    def model_post_init(self, context: Any, /) -> None:
        # After every validator (a subclass's too), so a natural id sees normalised fields.
        if not self.id:
            object.__setattr__(self, "id", self._default_id())

    @model_validator(mode="after")
    def _check_record(self) -> Self:
        if self.id and not _ID.fullmatch(self.id):
            raise ValueError(
                f"id {self.id!r} must be 1-200 letters, digits or . _ : @ - (starting with a "
                "letter or digit)"
            )
        if self.updated_at < self.created_at:
            raise ValueError(
                f"updated_at {self.updated_at.isoformat()} is before created_at "
                f"{self.created_at.isoformat()}"
            )
        return self

    def _default_id(self) -> str:
        natural = self.natural_id()
        if natural:
            return natural
        first = self.provenance[0] if self.provenance else None
        if first is not None and first.source_id:
            return self.make_id(first.source, first.source_id)
        return f"{self.record_type}-{uuid.uuid4().hex}"

    #: Whether records of this model have an id derived from their own fields.
    has_natural_id: ClassVar[bool] = False

    def natural_id(self) -> str | None:
        """The id derived from the record's own fields, for models that have one.

        When it exists it wins over an id made from the provenance, so that a campaign
        edition read from any source is ``alimenterre-2026``.
        """
        return None

    @classmethod
    def make_id(cls, source: str, source_id: str) -> str:
        """The deterministic id of the item ``source_id`` of ``source``."""
        digest = hashlib.sha256(f"{source}\x1f{source_id}".encode()).hexdigest()[:32]
        return f"{cls.record_type}-{digest}"

    @classmethod
    def parse(cls, data: Any, *, source: str | None = None, item: str | None = None) -> Self:
        """Validate ``data`` (a dict or JSON text) into this model.

        Raises:
            InvalidRecord: naming the model, the source and item when given, and every
                field that is wrong with its value and the reason.
        """
        try:
            if isinstance(data, str | bytes):
                return cls.model_validate_json(data)
            return cls.model_validate(data)
        except pydantic.ValidationError as error:
            raise InvalidRecord.from_validation_error(error, source=source, item=item) from None

    def content_hash(self) -> str:
        """SHA-256 of the record's content: every field except id, provenance and times.

        Two records with the same content have the same hash, whatever their source; the sync
        engine uses it to skip unchanged items.

        Raises:
            InvalidRecord: when a text holds an unpaired surrogate (``"\\ud800"`` in a JSON
                feed), which no UTF-8 text can carry, naming the field.
        """
        # Canonical without sorting: fields come in model order, and the models keep their
        # dicts (texts by language, figures, dimensions) sorted by key.
        try:
            content = self.model_dump_json(exclude=set(_NOT_CONTENT))
        except pydantic_core.PydanticSerializationError:
            problems = list(_unencodable_texts(self.model_dump(exclude=set(_NOT_CONTENT))))
            if not problems:
                raise
            raise InvalidRecord(type(self).__name__, problems) from None
        return hashlib.sha256(content.encode()).hexdigest()

    @property
    def withdrawn(self) -> bool:
        """Whether the record has been withdrawn."""
        return self.withdrawn_at is not None
