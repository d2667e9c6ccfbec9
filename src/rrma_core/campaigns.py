"""Campaign editions as a regional coordinator sees them: reach, chase list and figures.

National awareness campaigns (Festival ALIMENTERRE, Festisol, Mois de l'ESS, Migrant'scène)
have yearly editions. In each région a coordinator (the RRMA; a "CORAS" for Festisol) gathers
the local organisers and their events, chases what is missing and sends figures to the
national organiser. This module gives:

- [`edition_summary`][rrma_core.campaigns.edition_summary]: an edition's reach (events by
  département and kind, organisers, films or animation types, compared with the edition of
  the year before), the data of the campaign report;
- [`edition_view`][rrma_core.campaigns.edition_view]: the coordinator's view, per organiser:
  its events and what each misses (venue, time, contact...);
- [`edition_figures`][rrma_core.campaigns.edition_figures] and
  [`save_figures`][rrma_core.campaigns.save_figures]: the figures for the national organiser,
  as JSON or CSV, stored in the edition's record;
- [`editions`][rrma_core.campaigns.editions]: the editions known to a workspace, with their
  event counts.

Which events belong to an edition: the events whose ``campaign_edition`` is the edition's id,
not withdrawn. An edition id is national (``festisol-2026``) or regional
(``festisol-2026-84``). The regional view of a national edition (asked with ``region=``, or by
default in a workspace that has a région) keeps the events of the national edition that take
place in the région, plus those of the regional edition. Where an event takes place is its
venue's département (from the commune's INSEE code, else from the postal code); an event with
no place (no venue, or online) is placed at its organisers' head office when the directory
knows it. An event that cannot be placed at all is counted in the workspace's own région
(a network's data is its région's programme, and such an event is what its coordinator must
chase), under "not given"; it is left out of other régions' views.

Cancelled events are shown in the coordinator's view but not counted: an edition's figures
are those of the events that take place (as in the ``events.*`` indicators).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, or_, select

from rrma_core.charts import check_lang
from rrma_core.errors import ConfigError
from rrma_core.models import Actor, ActorRef, Campaign, CampaignEdition, Event, Person
from rrma_core.models._types import _pad_code
from rrma_core.storage._index import fold_name
from rrma_core.storage._store import records_t, terms_t
from rrma_core.vocabularies import VocabularyRegistry
from rrma_core.vocabularies._closed import AttendanceMode, EventKind, EventStatus
from rrma_core.vocabularies._core import fold

if TYPE_CHECKING:
    from rrma_core.workspace import Workspace

__all__ = [
    "MISSING",
    "EditionFigures",
    "EditionSummary",
    "EditionView",
    "EventCheck",
    "OrganiserView",
    "Row",
    "edition_figures",
    "edition_summary",
    "edition_view",
    "editions",
    "parse_edition",
    "save_figures",
]

Row = dict[str, Any]

#: What an event or an organiser may miss: code -> label in French and English.
MISSING: Mapping[str, Mapping[str, str]] = {
    "no-venue": {"fr": "pas de lieu", "en": "no venue"},
    "no-commune": {"fr": "commune inconnue", "en": "unknown commune"},
    "no-online-link": {"fr": "pas de lien de connexion", "en": "no online link"},
    "no-time": {"fr": "pas d'heure", "en": "no time"},
    "outside-period": {"fr": "date hors de l'édition", "en": "date outside the edition"},
    "no-description": {"fr": "pas de description", "en": "no description"},
    "no-kind": {"fr": "type non précisé", "en": "no kind"},
    "no-link": {"fr": "pas de lien ni d'inscription", "en": "no web page or registration"},
    "no-organiser": {"fr": "pas d'organisateur", "en": "no organiser"},
    "not-linked": {"fr": "absent de l'annuaire", "en": "not in the directory"},
    "no-contact": {"fr": "pas de contact", "en": "no contact"},
}

_EVENT_CHECKS = tuple(c for c in MISSING if c not in {"not-linked", "no-contact"})
_ORGANISER_CHECKS = ("not-linked", "no-contact")

_NOT_GIVEN = {"fr": "Non renseigné", "en": "Not given"}

_EDITION_ID = re.compile(
    r"^(?P<campaign>[a-z0-9]+(?:-[a-z0-9]+)*?)-(?P<year>\d{4})(?:-(?P<region>\d{2}))?$"
)

#: Figures computed here (a stored edition's other figures, such as attendance, are kept).
_COMPUTED = ("events", "occurrences", "organisers", "communes", "departements", "cancelled")
_COMPUTED_PREFIXES = ("events.", "organisers.")


def _label(texts: Mapping[str, str], lang: str) -> str:
    return texts.get(lang) or texts["fr"]


# --- edition ids ------------------------------------------------------------------------------


def parse_edition(edition: str) -> tuple[str, int, str | None]:
    """The campaign code, year and région code (``None`` for a national edition) of an id.

    Example:
        >>> parse_edition("festisol-2026-84")
        ('festisol', 2026, '84')
        >>> parse_edition("mois-ess-2025")
        ('mois-ess', 2025, None)

    Raises:
        ConfigError: when ``edition`` is not ``<campaign>-<year>`` or
            ``<campaign>-<year>-<région>``.
    """
    match = _EDITION_ID.match(edition.strip())
    if match is None or not 1990 <= int(match["year"]) <= 2100:
        raise ConfigError(
            f"{edition!r} is not a campaign edition id: expected <campaign>-<year> or "
            "<campaign>-<year>-<région code>, such as festisol-2026 or festisol-2026-84"
        )
    return match["campaign"], int(match["year"]), match["region"]


def _check_region(ws: Workspace, region: str | int | None) -> str | None:
    if region is None:
        return None
    code = str(_pad_code(region))
    if code not in ws.vocabularies.get("regions"):
        raise ConfigError(f"unknown région code {region!r} (INSEE codes such as 84)")
    return code


# --- reading an edition's events ---------------------------------------------------------------


@dataclass(frozen=True)
class _Edition:
    """One edition as asked: its campaign, year and the région of the view (if any)."""

    campaign: str
    year: int
    region: str | None

    @property
    def national_id(self) -> str:
        return f"{self.campaign}-{self.year}"

    @property
    def id(self) -> str:
        return self.national_id + (f"-{self.region}" if self.region else "")

    def before(self) -> _Edition:
        return _Edition(self.campaign, self.year - 1, self.region)


def _resolve(ws: Workspace, edition: str, region: str | int | None) -> _Edition:
    campaign, year, own_region = parse_edition(edition)
    asked = _check_region(ws, region)
    if own_region is not None:
        _check_region(ws, own_region)
        if asked is not None and asked != own_region:
            raise ConfigError(
                f"edition {edition!r} is the région {own_region}'s: it has no view of région "
                f"{asked}"
            )
        return _Edition(campaign, year, own_region)
    return _Edition(campaign, year, asked or ws.config.workspace.region)


def _departement_of(event: Event) -> str | None:
    """The département of the event's venue: from the commune, else from the postal code."""
    address = event.venue.address if event.venue else None
    if address is None:
        return None
    if address.departement:
        return address.departement
    postal = address.postal_code
    if postal and postal[:2] != "20":  # Corsica's 20xxx may be 2A or 2B
        return postal[:3] if postal.startswith("97") else postal[:2]
    return None


def _commune_key(event: Event) -> str | None:
    address = event.venue.address if event.venue else None
    if address is None:
        return None
    if address.commune:
        return address.commune
    if address.city:
        return f"{address.postal_code or ''} {fold(address.city)}".strip()
    return None


def _commune_label(event: Event) -> str | None:
    address = event.venue.address if event.venue else None
    if address is None:
        return None
    return address.city or address.commune or address.postal_code


@dataclass
class _Loaded:
    """An edition's events (cancelled ones apart) and where each takes place."""

    edition: _Edition
    record: CampaignEdition | None
    events: list[Event]
    cancelled: list[Event]
    departements: dict[str, str | None]  # event id -> département

    @property
    def exists(self) -> bool:
        return self.record is not None or bool(self.events) or bool(self.cancelled)


def _stored_edition(ws: Workspace, edition: _Edition) -> CampaignEdition | None:
    for record_id in dict.fromkeys([edition.id, edition.national_id]):
        try:
            record = ws.get(record_id)
        except KeyError:
            continue
        if isinstance(record, CampaignEdition) and not record.withdrawn:
            return record
    return None


def _edition_events(ws: Workspace, edition: _Edition) -> list[Event]:
    """The edition's events, not withdrawn: those whose place may be in the région (SQL);
    the others are left out afterwards, once their organisers' head offices are known."""
    column = records_t.c.campaign_edition
    q = ws.query(Event)
    if edition.region is None:
        q.sql.conditions.append(
            or_(column == edition.national_id, column.like(f"{edition.national_id}-__"))
        )
    else:
        q.sql.conditions.append(
            or_(
                column == edition.id,
                (column == edition.national_id)
                & or_(records_t.c.region == edition.region, records_t.c.region.is_(None)),
            )
        )
    q.sql.order_by("start_at")
    return list(q.all())


class _Directory:
    """The directory's actors the organisers of the editions read name, found once.

    An organiser is its reference's actor id; a reference by name only is the actor of the
    directory with that name or acronym (case and accents ignored), when exactly one has it.
    """

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.actors: dict[str, Actor] = {}
        self.by_name: dict[str, str | None] = {}  # folded name -> actor id (None: 0 or 2+)

    def read(self, events: Iterable[Event]) -> None:
        """Look up the actors the ``events``' organisers name, but those known already."""
        refs = [ref for event in events for ref in event.organisers]
        ids = sorted({r.id for r in refs if r.id and r.id not in self.actors})
        for start in range(0, len(ids), 500):
            q = self.ws.query(Actor, include_withdrawn=True)
            q.sql.conditions.append(records_t.c.id.in_(ids[start : start + 500]))
            self.actors.update((actor.id, actor) for actor in q.all())
        names = sorted(
            {fold_name(r.name) for r in refs if not r.id and r.name} - {""} - set(self.by_name)
        )
        for start in range(0, len(names), 500):
            chunk = names[start : start + 500]
            found: dict[str, set[str]] = {name: set() for name in chunk}
            q = self.ws.query(Actor)
            q.sql.where_term("name", chunk)
            for actor in q.all():
                self.actors.setdefault(actor.id, actor)
                for spelling in (actor.name, actor.acronym):
                    if spelling and fold_name(spelling) in found:
                        found[fold_name(spelling)].add(actor.id)
            self.by_name.update(
                (name, next(iter(ids_)) if len(ids_) == 1 else None) for name, ids_ in found.items()
            )

    def actor_id(self, ref: ActorRef) -> str | None:
        """The id of the directory's actor a reference names, if any."""
        if ref.id:
            return ref.id
        return self.by_name.get(fold_name(ref.name)) if ref.name else None


def _load(ws: Workspace, edition: _Edition, directory: _Directory) -> _Loaded:
    events = _edition_events(ws, edition)
    directory.read(events)
    actors = directory.actors
    departements = ws.vocabularies.get("departements")
    own_region = ws.config.workspace.region
    kept: list[Event] = []
    places: dict[str, str | None] = {}
    for event in events:
        departement = _departement_of(event)
        if departement is not None and departement not in departements:
            departement = None
        region = departements[departement].data.get("region") if departement else None
        if region is None:
            # No place: where its organisers' head offices are, when the directory knows.
            ids = [directory.actor_id(r) for r in event.organisers]
            offices = [actors[i].region for i in ids if i is not None and i in actors]
            region = next((o for o in offices if o), None)
        if (
            edition.region is not None
            and event.campaign_edition != edition.id
            and (region if region is not None else own_region) != edition.region
        ):
            continue
        places[event.id] = departement
        kept.append(event)
    return _Loaded(
        edition=edition,
        record=_stored_edition(ws, edition),
        events=[e for e in kept if e.status != EventStatus.CANCELLED],
        cancelled=[e for e in kept if e.status == EventStatus.CANCELLED],
        departements=places,
    )


# --- organisers --------------------------------------------------------------------------------


class _Organisers:
    """Who an organiser reference is: its actor id when known, else its folded name.

    A reference by name only that spells the name of an organiser known by id (in these
    editions, or its actor's name), or the name or acronym of exactly one actor of the
    directory, is that organiser.
    """

    def __init__(self, events: Iterable[Event], directory: _Directory) -> None:
        self.actors = directory.actors
        self.by_name: dict[str, str] = {}
        self.spellings: dict[str, Counter[str]] = {}
        for ref in (ref for event in events for ref in event.organisers):
            if ref.id:
                actor = self.actors.get(ref.id)
                for name in (ref.name, actor.name if actor else None):
                    if name and fold_name(name):
                        self.by_name.setdefault(fold_name(name), ref.id)
        for name, actor_id in directory.by_name.items():
            if actor_id is not None:
                self.by_name.setdefault(name, actor_id)

    def key(self, ref: ActorRef) -> str:
        """The organiser's key: an actor id, or ``name:`` and the folded name."""
        if ref.id:
            key = ref.id
        else:
            folded = fold_name(ref.name or "")
            key = self.by_name.get(folded, f"name:{folded}")
        if ref.name:
            self.spellings.setdefault(key, Counter())[ref.name] += 1
        return key

    def keys(self, event: Event) -> list[str]:
        """The keys of the event's organisers, each once."""
        return list(dict.fromkeys(self.key(ref) for ref in event.organisers if self._named(ref)))

    @staticmethod
    def _named(ref: ActorRef) -> bool:
        return bool(ref.id) or bool(fold_name(ref.name or ""))

    def actor(self, key: str) -> Actor | None:
        """The stored actor of an organiser key, if any."""
        return self.actors.get(key)

    def name(self, key: str) -> str:
        """The organiser's name: its actor's, else its most frequent spelling."""
        actor = self.actors.get(key)
        if actor is not None:
            return actor.name
        spellings = self.spellings.get(key)
        if spellings:
            return spellings.most_common(1)[0][0]
        return key.removeprefix("name:")


# --- the summary -------------------------------------------------------------------------------


@dataclass(frozen=True)
class EditionSummary:
    """An edition's reach in a région (or nationally), compared with the year before.

    Rows are plain dicts, ready for a template or a DataFrame. Counts leave out withdrawn
    and cancelled events. ``previous`` fields are ``None`` when nothing is known of the
    edition of the year before (no record, no event).

    Attributes:
        edition: The stored edition record (the regional one for a regional view), or one
            built from the id.
        campaign_name: The campaign's name in the requested language.
        previous: The edition of the year before (same campaign and région), or ``None``.
        events: Events of the edition.
        previous_events: Events of the previous edition.
        organisers: Distinct organisers (by actor id, else by name, case and accents ignored).
        previous_organisers: Distinct organisers of the previous edition.
        departements: Départements reached (with at least one event).
        communes: Communes reached.
        by_departement: ``{"code", "label", "events", "previous"}`` per département, most
            events first; events that cannot be placed come last, with code ``None``.
        by_kind: ``{"code", "label", "events", "previous"}`` per event kind.
        by_organiser: ``{"organiser", "events", "departements", "id", "new"}`` per organiser,
            most events first (``id`` is the actor's id when known; ``new``: not an organiser
            of the previous edition, ``None`` without one).
        by_film: ``{"label", "events", "kind"}`` per film (``kind`` ``"film"``) then per
            animation type (``"animation"``), from the ``film: ...`` and ``animation: ...``
            keywords the festival connector writes.
        region: The région of the view (``None``: national).
        occurrences: Dates (occurrences) of the events.
        cancelled: Cancelled events (not counted above).
        new_organisers: Organisers not in the previous edition (``None`` without one).
        previous_departements: Départements reached by the previous edition.
        previous_communes: Communes reached by the previous edition.
    """

    edition: CampaignEdition
    campaign_name: str
    previous: CampaignEdition | None
    events: int
    previous_events: int | None
    organisers: int
    previous_organisers: int | None
    departements: int
    communes: int
    by_departement: list[Row]
    by_kind: list[Row]
    by_organiser: list[Row]
    by_film: list[Row]
    region: str | None = None
    occurrences: int = 0
    cancelled: int = 0
    new_organisers: int | None = None
    previous_departements: int | None = None
    previous_communes: int | None = None

    def to_dataframe(self, table: str = "by_departement") -> Any:
        """One of the tables (``by_departement``, ``by_kind``, ``by_organiser``,
        ``by_film``) as a pandas DataFrame (the optional extra ``rrma-core[pandas]``).

        Raises:
            ConfigError: for another table name.
            RrmaError: when pandas is not installed.
        """
        tables = ("by_departement", "by_kind", "by_organiser", "by_film")
        if table not in tables:
            raise ConfigError(f"no table {table!r} in a summary (tables: {', '.join(tables)})")
        return _frame(getattr(self, table))


def _frame(rows: Sequence[Row]) -> Any:
    from rrma_core.dataframes import _pandas

    return _pandas().DataFrame.from_records(list(rows))


def _campaign_name(ws: Workspace, code: str, lang: str) -> str:
    term = ws.vocabularies.get("campaigns").get(code)
    if term is not None:
        return term.label(lang)
    try:
        stored = ws.get(f"campaign-{code}")
    except KeyError:
        return code
    return stored.name.get(lang) if isinstance(stored, Campaign) else code


def _known_campaign(ws: Workspace, code: str) -> bool:
    if code in ws.vocabularies.get("campaigns"):
        return True
    try:
        ws.get(f"campaign-{code}")
    except KeyError:
        return False
    return True


def _edition_record(loaded: _Loaded) -> CampaignEdition:
    """The stored record of the view's edition, or one made from its id."""
    edition = loaded.edition
    record = loaded.record
    if record is not None and record.id == edition.id:
        return record
    return CampaignEdition(
        campaign=edition.campaign,
        year=edition.year,
        region=edition.region,
        start=record.start if record else None,
        end=record.end if record else None,
    )


@dataclass
class _Counts:
    """What is counted of one edition's events."""

    events: int = 0
    occurrences: int = 0
    organisers: dict[str, list[Event]] = field(default_factory=dict)
    departements: Counter[str | None] = field(default_factory=Counter)
    communes: set[str] = field(default_factory=set)
    kinds: Counter[str] = field(default_factory=Counter)
    audiences: Counter[str] = field(default_factory=Counter)
    films: dict[tuple[str, str], Counter[str]] = field(default_factory=dict)


def _count(loaded: _Loaded, organisers: _Organisers) -> _Counts:
    counts = _Counts()
    for event in loaded.events:
        counts.events += 1
        counts.occurrences += len(event.occurrences)
        for key in organisers.keys(event):
            counts.organisers.setdefault(key, []).append(event)
        counts.departements[loaded.departements.get(event.id)] += 1
        commune = _commune_key(event)
        if commune:
            counts.communes.add(commune)
        counts.kinds[event.event_kind.value] += 1
        for audience in event.audiences:
            counts.audiences[audience.value] += 1
        seen: set[tuple[str, str]] = set()
        for keyword in event.keywords:
            prefix, sep, value = keyword.partition(":")
            kind = prefix.strip().lower()
            if sep and kind in {"film", "animation"} and value.strip():
                film = (kind, fold_name(value))
                if film not in seen:
                    seen.add(film)
                    counts.films.setdefault(film, Counter())[value.strip()] += 1
    return counts


def _compare(
    now: Mapping[Any, int],
    before: Mapping[Any, int] | None,
    label: Any,
) -> list[Row]:
    codes = set(now) | set(before or {})
    rows = [
        {
            "code": code,
            "label": label(code),
            "events": now.get(code, 0),
            "previous": None if before is None else before.get(code, 0),
        }
        for code in codes
    ]
    rows.sort(
        key=lambda r: (r["code"] is None, -r["events"], -(r["previous"] or 0), fold(r["label"]))
    )
    return rows


def _vocabulary_label(registry: VocabularyRegistry, name: str, lang: str) -> Any:
    vocabulary = registry.get(name)

    def label(code: str | None) -> str:
        if code is None:
            return _label(_NOT_GIVEN, lang)
        term = vocabulary.get(code)
        return term.label(lang) if term else code

    return label


@dataclass
class _Both:
    """An edition and the one before, read once, with the organisers of both."""

    now: _Loaded
    before: _Loaded
    organisers: _Organisers
    counts: _Counts
    previous_counts: _Counts | None


def _both(ws: Workspace, edition: str, region: str | int | None) -> _Both:
    asked = _resolve(ws, edition, region)
    directory = _Directory(ws)
    now = _load(ws, asked, directory)
    before = _load(ws, asked.before(), directory)
    if not now.exists and not _known_campaign(ws, asked.campaign):
        raise ConfigError(
            f"no campaign {asked.campaign!r}: not a national campaign (alimenterre, festisol, "
            "mois-ess, migrantscene), no stored Campaign, and no edition or event names it"
        )
    everything = [*now.events, *now.cancelled, *before.events, *before.cancelled]
    organisers = _Organisers(everything, directory)
    counts = _count(now, organisers)
    previous_counts = _count(before, organisers) if before.exists else None
    return _Both(now, before, organisers, counts, previous_counts)


def edition_summary(
    ws: Workspace, edition: str, *, lang: str = "fr", region: str | int | None = None
) -> EditionSummary:
    """An edition's reach: events by département and kind, organisers, films, and the same
    figures for the edition of the year before.

    Args:
        ws: The workspace.
        edition: An edition id, national (``festisol-2026``) or regional
            (``festisol-2026-84``).
        lang: The language of names and labels (``"fr"`` or ``"en"``).
        region: The région of the view of a national edition (default: the workspace's
            région; a workspace without one gets the national view).

    Returns:
        The summary; see [`EditionSummary`][rrma_core.campaigns.EditionSummary].

    Raises:
        ConfigError: for a malformed edition id, an unknown région or campaign, a région
            that contradicts the edition's, or a language other than ``"fr"`` or ``"en"``.

    Example:
        ```python
        summary = edition_summary(ws, "alimenterre-2026")
        print(summary.events, summary.previous_events)
        for row in summary.by_departement:
            print(row["label"], row["events"], row["previous"])
        ```
    """
    check_lang(lang)
    both = _both(ws, edition, region)
    now, counts, before = both.now, both.counts, both.previous_counts
    registry = ws.vocabularies
    by_organiser: list[Row] = [
        {
            "organiser": both.organisers.name(key),
            "events": len(events),
            "departements": len({d for e in events if (d := now.departements.get(e.id))}),
            "id": key if not key.startswith("name:") else None,
            "new": None if before is None else key not in before.organisers,
        }
        for key, events in counts.organisers.items()
    ]
    by_organiser.sort(key=lambda r: (-r["events"], fold(r["organiser"])))
    by_film: list[Row] = [
        {"label": spellings.most_common(1)[0][0], "events": spellings.total(), "kind": kind}
        for (kind, _), spellings in counts.films.items()
    ]
    by_film.sort(key=lambda r: (r["kind"] != "film", -r["events"], fold(r["label"])))
    departement_label = _vocabulary_label(registry, "departements", lang)
    kind_label = _vocabulary_label(registry, "event_kinds", lang)
    return EditionSummary(
        edition=_edition_record(now),
        campaign_name=_campaign_name(ws, now.edition.campaign, lang),
        previous=_edition_record(both.before) if before is not None else None,
        events=counts.events,
        previous_events=before.events if before else None,
        organisers=len(counts.organisers),
        previous_organisers=len(before.organisers) if before else None,
        departements=len([d for d in counts.departements if d]),
        communes=len(counts.communes),
        by_departement=_compare(
            counts.departements, before.departements if before else None, departement_label
        ),
        by_kind=_compare(counts.kinds, before.kinds if before else None, kind_label),
        by_organiser=by_organiser,
        by_film=by_film,
        region=now.edition.region,
        occurrences=counts.occurrences,
        cancelled=len(now.cancelled),
        new_organisers=(len(set(counts.organisers) - set(before.organisers)) if before else None),
        previous_departements=len([d for d in before.departements if d]) if before else None,
        previous_communes=len(before.communes) if before else None,
    )


# --- the coordinator's view ---------------------------------------------------------------------


@dataclass(frozen=True)
class EventCheck:
    """One event in the coordinator's view, with what it misses.

    Attributes:
        id: The event's record id.
        title: Its title, in the view's language.
        start: When its first occurrence starts (a date when all day).
        end: When its last occurrence ends.
        occurrences: How many dates it has.
        commune: Its venue's commune (name, else INSEE or postal code).
        departement: Its département (from the commune, else the postal code).
        kind: Its kind's code (``projection-debat``...).
        status: Its status (``scheduled``, ``cancelled``...).
        missing: Codes of [`MISSING`][rrma_core.campaigns.MISSING] (none for a cancelled
            event: there is nothing to chase).
        url: Its web page, else its registration link.
    """

    id: str
    title: str
    start: date | datetime
    end: date | datetime
    occurrences: int
    commune: str | None
    departement: str | None
    kind: str
    status: str
    missing: tuple[str, ...]
    url: str | None = None


@dataclass(frozen=True)
class OrganiserView:
    """One organiser of the edition, its events, and what it and its events miss.

    Attributes:
        key: Its actor id, or ``name:`` and its folded name when not in the directory.
        id: Its actor id, when known.
        name: Its name (its actor's, else its most frequent spelling in the events).
        events: Its events of the edition, first first.
        missing: Its own gaps: ``not-linked`` (no actor in the directory), ``no-contact``
            (its actor has no e-mail address nor contact person with an e-mail or phone).
        email: Its organisation's e-mail address, from the directory.
        contacts: Its contact persons (personal data: empty unless asked for).
        new: Whether it did not organise the previous edition (``None`` without one).
    """

    key: str
    id: str | None
    name: str
    events: tuple[EventCheck, ...]
    missing: tuple[str, ...]
    email: str | None = None
    contacts: tuple[Person, ...] = ()
    new: bool | None = None

    def gaps(self) -> Counter[str]:
        """How many of its events (not cancelled) miss each thing, plus its own gaps."""
        counts: Counter[str] = Counter(code for e in self.events for code in e.missing)
        counts.update(self.missing)
        return counts

    @property
    def complete(self) -> bool:
        """Whether nothing is missing, for it or any of its events."""
        return not self.missing and not any(e.missing for e in self.events)


def _contact_text(person: Person) -> str:
    details = ", ".join(d for d in (person.email, person.phone) if d)
    return f"{person.name} ({details})" if details else person.name


@dataclass(frozen=True)
class EditionView:
    """The regional coordinator's view of an edition: organisers, events, gaps.

    Attributes:
        edition: The stored edition record (the regional one for a regional view), or one
            built from the id.
        campaign_name: The campaign's name in the view's language.
        region: The région of the view (``None``: national).
        organisers: The participating organisers, by name.
        orphans: Events that name no organiser.
        lang: The language of titles and labels.
        personal_data: Whether contact persons were included.
    """

    edition: CampaignEdition
    campaign_name: str
    region: str | None
    organisers: tuple[OrganiserView, ...]
    orphans: tuple[EventCheck, ...]
    lang: str = "fr"
    personal_data: bool = False

    def missing_label(self, code: str) -> str:
        """The label of a missing-information code in the view's language."""
        return _label(MISSING[code], self.lang)

    def rows(self) -> list[Row]:
        """One row per (organiser, event): the events table, events without organiser last."""
        rows: list[Row] = []
        pairs: list[tuple[OrganiserView | None, EventCheck]] = [
            (o, e) for o in self.organisers for e in o.events
        ]
        pairs += [(None, e) for e in self.orphans]
        for organiser, event in pairs:
            rows.append(
                {
                    "organiser": organiser.name if organiser else None,
                    "organiser_id": organiser.id if organiser else None,
                    "event_id": event.id,
                    "title": event.title,
                    "start": event.start,
                    "end": event.end,
                    "occurrences": event.occurrences,
                    "commune": event.commune,
                    "departement": event.departement,
                    "kind": event.kind,
                    "status": event.status,
                    "missing": list(event.missing),
                }
            )
        return rows

    def chase_list(self) -> list[Row]:
        """What to ask each organiser: one row per organiser (and per event without
        organiser) that misses something.

        Each row has ``organiser``, ``id``, ``email`` (the organisation's), ``events``,
        ``incomplete`` (events missing something), one column per code of
        [`MISSING`][rrma_core.campaigns.MISSING] (how many events miss it; 1 for the
        organiser's own gaps), ``missing`` (the labels, joined) and ``details`` (each
        incomplete event with its gaps); plus ``contacts`` when the view holds personal data.
        """
        rows: list[Row] = []
        for organiser in self.organisers:
            if organiser.complete:
                continue
            rows.append(self._chase_row(organiser, organiser.events, organiser.gaps()))
        for event in self.orphans:
            if event.missing:
                rows.append(self._chase_row(None, (event,), Counter(event.missing)))
        return rows

    def _chase_row(
        self, organiser: OrganiserView | None, events: Sequence[EventCheck], gaps: Counter[str]
    ) -> Row:
        incomplete = [e for e in events if e.missing]
        row: Row = {
            "organiser": organiser.name if organiser else None,
            "id": organiser.id if organiser else None,
            "email": organiser.email if organiser else None,
            "events": len([e for e in events if e.status != EventStatus.CANCELLED.value]),
            "incomplete": len(incomplete),
        }
        row.update({code: gaps.get(code, 0) for code in MISSING})
        row["missing"] = ", ".join(self.missing_label(c) for c in MISSING if gaps.get(c))
        row["details"] = "; ".join(
            f"{e.title} ({_day_text(e.start)}){' :' if self.lang == 'fr' else ':'} "
            + ", ".join(self.missing_label(c) for c in e.missing)
            for e in incomplete
        )
        if self.personal_data:
            contacts = organiser.contacts if organiser else ()
            row["contacts"] = "; ".join(_contact_text(p) for p in contacts)
        return row

    def to_dataframe(self) -> Any:
        """[`rows`][rrma_core.campaigns.EditionView.rows] as a pandas DataFrame (the
        optional extra ``rrma-core[pandas]``).

        Raises:
            RrmaError: when pandas is not installed.
        """
        return _frame(self.rows())


def _day_text(value: date | datetime) -> str:
    return (value.date() if isinstance(value, datetime) else value).isoformat()


def _local(value: date | datetime, ws: Workspace) -> date | datetime:
    return value.astimezone(ws.timezone) if isinstance(value, datetime) else value


def _no_time(event: Event, ws: Workspace) -> bool:
    """All its dates are whole days, or local midnight with no end (a placeholder)."""

    def placeholder(occurrence: Any) -> bool:
        if occurrence.all_day:
            return True
        start = occurrence.start.astimezone(ws.timezone)
        return start.time() == time(0) and occurrence.end in (None, occurrence.start)

    return all(placeholder(o) for o in event.occurrences)


def _outside(event: Event, record: CampaignEdition | None, ws: Workspace) -> bool:
    """No date of the event falls in the edition's period (when the record gives one)."""
    if record is None or record.start is None or record.end is None:
        return False
    for occurrence in event.occurrences:
        first = _day(occurrence.start, ws)
        last = _day(occurrence.end or occurrence.start, ws)
        if first <= record.end and last >= record.start:
            return False
    return True


def _day(value: date | datetime, ws: Workspace) -> date:
    return value.astimezone(ws.timezone).date() if isinstance(value, datetime) else value


def _event_missing(
    event: Event, departement: str | None, record: CampaignEdition | None, ws: Workspace
) -> tuple[str, ...]:
    if event.status == EventStatus.CANCELLED:
        return ()
    online = event.attendance_mode == AttendanceMode.ONLINE
    venue = event.venue
    found: list[str] = []
    if not online and (venue is None or (venue.name is None and venue.address is None)):
        found.append("no-venue")
    elif not online and departement is None:
        found.append("no-commune")
    if event.attendance_mode != AttendanceMode.OFFLINE and not event.online_url:
        found.append("no-online-link")
    if _no_time(event, ws):
        found.append("no-time")
    if _outside(event, record, ws):
        found.append("outside-period")
    if event.description is None:
        found.append("no-description")
    if event.event_kind == EventKind.OTHER:
        found.append("no-kind")
    if not (event.url or event.registration_url or (online and event.online_url)):
        found.append("no-link")
    if not event.organisers:
        found.append("no-organiser")
    return tuple(found)


def _has_contact(actor: Actor | None) -> bool:
    if actor is None:
        return False
    return bool(actor.email) or any(p.email or p.phone for p in actor.contacts)


def edition_view(
    ws: Workspace,
    edition: str,
    *,
    region: str | int | None = None,
    lang: str = "fr",
    personal_data: bool = False,
) -> EditionView:
    """The regional coordinator's view: each organiser, its events and what is missing.

    What is checked, per event (not cancelled): a venue for an event people attend in person
    (``no-venue``; ``no-commune`` when the venue cannot be placed in a département), a link
    for an online one (``no-online-link``), a time (``no-time``: every date is a whole day,
    or midnight with no end, as platforms write a date without time), a date in the
    edition's period when its record gives one (``outside-period``), a description, a kind
    other than "other", a web page or registration link (``no-link``), an organiser. Per
    organiser: whether it is in the directory (``not-linked``) and can be reached
    (``no-contact``: its actor has no e-mail address and no contact person with an e-mail
    or a phone). A contact is the organiser's, never the event's: the Event model holds no
    contact, and the festival connector keeps an organisation's generic address (such as
    ``contact@``) on its Actor, never a person's.

    Args:
        ws: The workspace.
        edition: An edition id (``festisol-2026`` or ``festisol-2026-84``).
        region: The région of the view of a national edition (default: the workspace's).
        lang: The language of titles and labels (``"fr"`` or ``"en"``).
        personal_data: Include the organisers' contact persons (GDPR personal data).

    Raises:
        ConfigError: for a malformed edition id, an unknown région or campaign, or a language
            other than ``"fr"`` or ``"en"``.

    Example:
        ```python
        view = edition_view(ws, "alimenterre-2026")
        for row in view.chase_list():
            print(row["organiser"], row["missing"])
        ```
    """
    check_lang(lang)
    both = _both(ws, edition, region)
    now, organisers = both.now, both.organisers
    record = now.record

    def check(event: Event) -> EventCheck:
        departement = now.departements.get(event.id)
        return EventCheck(
            id=event.id,
            title=event.title.get(lang),
            start=_local(event.start, ws),
            end=_local(event.end, ws),
            occurrences=len(event.occurrences),
            commune=_commune_label(event),
            departement=departement,
            kind=event.event_kind.value,
            status=event.status.value,
            missing=_event_missing(event, departement, record, ws),
            url=event.url or event.registration_url or event.online_url,
        )

    by_key: dict[str, list[EventCheck]] = {}
    orphans: list[EventCheck] = []
    events = sorted([*now.events, *now.cancelled], key=lambda e: (_sort_key(e), e.id))
    for event in events:
        keys = organisers.keys(event)
        checked = check(event)
        if not keys:
            orphans.append(checked)
        for key in keys:
            by_key.setdefault(key, []).append(checked)
    previous = both.previous_counts
    views = []
    for key, checks in by_key.items():
        actor = organisers.actor(key)
        own: list[str] = []
        if actor is None:
            own.append("not-linked")
        if not _has_contact(actor):
            own.append("no-contact")
        views.append(
            OrganiserView(
                key=key,
                id=None if key.startswith("name:") else key,
                name=organisers.name(key),
                events=tuple(checks),
                missing=tuple(own),
                email=actor.email if actor else None,
                contacts=tuple(actor.contacts) if actor and personal_data else (),
                new=None if previous is None else key not in previous.organisers,
            )
        )
    views.sort(key=lambda v: (fold(v.name), v.key))
    return EditionView(
        edition=_edition_record(now),
        campaign_name=_campaign_name(ws, now.edition.campaign, lang),
        region=now.edition.region,
        organisers=tuple(views),
        orphans=tuple(orphans),
        lang=lang,
        personal_data=personal_data,
    )


def _sort_key(event: Event) -> datetime:
    return min(o.sort_key for o in event.occurrences)


# --- figures for the national organiser ------------------------------------------------------


@dataclass(frozen=True)
class EditionFigures:
    """The figures a regional coordinator sends to the national organiser.

    Attributes:
        edition: The edition's id (the regional one for a regional view).
        campaign: The campaign's code.
        year: The edition's year.
        region: The région (``None``: national).
        events: Events (neither withdrawn nor cancelled).
        occurrences: Their dates.
        organisers: Distinct organisers.
        new_organisers: Organisers that did not take part in the previous edition (``None``
            when nothing is known of it).
        communes: Communes reached.
        departements: Départements reached.
        cancelled: Cancelled events (not counted above).
        by_kind: Events by kind code.
        by_departement: Events by département code (``"unknown"``: not placed).
        by_audience: Events by audience code (an event may have several, or none).
        reported: Figures already stored on the edition's record that are not computed
            here (such as an attendance the organisers reported); kept when saving.
    """

    edition: str
    campaign: str
    year: int
    region: str | None
    events: int
    occurrences: int
    organisers: int
    new_organisers: int | None
    communes: int
    departements: int
    cancelled: int
    by_kind: dict[str, int]
    by_departement: dict[str, int]
    by_audience: dict[str, int]
    reported: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The figures as a JSON-ready dict."""
        return {
            "edition": self.edition,
            "campaign": self.campaign,
            "year": self.year,
            "region": self.region,
            "events": self.events,
            "occurrences": self.occurrences,
            "organisers": self.organisers,
            "new_organisers": self.new_organisers,
            "communes": self.communes,
            "departements": self.departements,
            "cancelled": self.cancelled,
            "by_kind": dict(self.by_kind),
            "by_departement": dict(self.by_departement),
            "by_audience": dict(self.by_audience),
            "reported": {k: _number(v) for k, v in self.reported.items()},
        }

    def to_json(self) -> str:
        """The figures as indented JSON."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def as_record_figures(self) -> dict[str, float]:
        """The figures flattened for ``CampaignEdition.figures``: ``events``,
        ``occurrences``, ``organisers``, ``organisers.new``, ``communes``,
        ``departements``, ``cancelled``, ``events.kind.<code>``,
        ``events.departement.<code>``, ``events.audience.<code>``, plus the reported ones."""
        flat: dict[str, float] = dict(self.reported)
        flat.update(
            {
                "events": self.events,
                "occurrences": self.occurrences,
                "organisers": self.organisers,
                "communes": self.communes,
                "departements": self.departements,
                "cancelled": self.cancelled,
            }
        )
        if self.new_organisers is not None:
            flat["organisers.new"] = self.new_organisers
        for prefix, values in (
            ("events.kind.", self.by_kind),
            ("events.departement.", self.by_departement),
            ("events.audience.", self.by_audience),
        ):
            flat.update({prefix + code: count for code, count in values.items()})
        return flat

    def rows(self, lang: str = "fr", registry: VocabularyRegistry | None = None) -> list[Row]:
        """One ``{"figure", "label", "value"}`` row per figure, for a spreadsheet.

        Args:
            lang: The language of the labels (``"fr"`` or ``"en"``).
            registry: The vocabularies the codes are labelled from (default: the current
                ones; give the workspace's, ``ws.vocabularies``, for its own terms).

        Raises:
            ConfigError: for another language.
        """
        from rrma_core.vocabularies._core import current_registry

        check_lang(lang)
        registry = registry or current_registry()
        names = {
            "events": {"fr": "Événements", "en": "Events"},
            "occurrences": {"fr": "Dates", "en": "Dates"},
            "organisers": {"fr": "Organisateurs", "en": "Organisers"},
            "organisers.new": {"fr": "Nouveaux organisateurs", "en": "New organisers"},
            "communes": {"fr": "Communes", "en": "Communes"},
            "departements": {"fr": "Départements", "en": "Départements"},
            "cancelled": {"fr": "Événements annulés", "en": "Cancelled events"},
        }
        vocabularies = {
            "events.kind.": ("event_kinds", {"fr": "Type", "en": "Kind"}),
            "events.departement.": ("departements", {"fr": "Département", "en": "Département"}),
            "events.audience.": ("audiences", {"fr": "Public", "en": "Audience"}),
        }
        rows: list[Row] = []
        for key, value in self.as_record_figures().items():
            if key in names:
                label = _label(names[key], lang)
            else:
                label = key
                for prefix, (vocabulary, title) in vocabularies.items():
                    if key.startswith(prefix):
                        code = key.removeprefix(prefix)
                        term = registry.get(vocabulary).get(code)
                        text = term.label(lang) if term else _label(_NOT_GIVEN, lang)
                        label = (
                            f"{_label(title, lang)} : {text}"
                            if lang == "fr"
                            else (f"{_label(title, lang)}: {text}")
                        )
            rows.append({"figure": key, "label": label, "value": _number(value)})
        order = list(names)
        rows.sort(key=lambda r: (order.index(r["figure"]) if r["figure"] in order else 99,))
        return rows

    def to_csv(self, lang: str = "fr", registry: VocabularyRegistry | None = None) -> str:
        """The figures as CSV: ``figure,label,value``, one line per figure."""
        buffer = io.StringIO()
        writer = csv.DictWriter(
            buffer, fieldnames=["figure", "label", "value"], lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(self.rows(lang, registry))
        return buffer.getvalue()

    def to_dataframe(self, lang: str = "fr") -> Any:
        """[`rows`][rrma_core.campaigns.EditionFigures.rows] as a pandas DataFrame.

        Raises:
            RrmaError: when pandas is not installed.
        """
        return _frame(self.rows(lang))


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _computed(key: str) -> bool:
    return key in _COMPUTED or key.startswith(_COMPUTED_PREFIXES)


def edition_figures(
    ws: Workspace, edition: str, *, region: str | int | None = None
) -> EditionFigures:
    """The figures of an edition for the national organiser.

    Args:
        ws: The workspace.
        edition: An edition id (``festisol-2026`` or ``festisol-2026-84``).
        region: The région of the view of a national edition (default: the workspace's).

    Raises:
        ConfigError: for a malformed edition id, an unknown région or campaign.

    Example:
        ```python
        figures = edition_figures(ws, "alimenterre-2026")
        print(figures.to_json())
        ```
    """
    both = _both(ws, edition, region)
    now, counts, before = both.now, both.counts, both.previous_counts
    record = now.record if now.record is not None and now.record.id == now.edition.id else None
    reported = {k: v for k, v in record.figures.items() if not _computed(k)} if record else {}
    departements = {(code or "unknown"): n for code, n in counts.departements.items()}
    return EditionFigures(
        edition=now.edition.id,
        campaign=now.edition.campaign,
        year=now.edition.year,
        region=now.edition.region,
        events=counts.events,
        occurrences=counts.occurrences,
        organisers=len(counts.organisers),
        new_organisers=(len(set(counts.organisers) - set(before.organisers)) if before else None),
        communes=len(counts.communes),
        departements=len([d for d in counts.departements if d]),
        cancelled=len(now.cancelled),
        by_kind=dict(sorted(counts.kinds.items())),
        by_departement=dict(sorted(departements.items())),
        by_audience=dict(sorted(counts.audiences.items())),
        reported=reported,
    )


def save_figures(ws: Workspace, figures: EditionFigures) -> CampaignEdition:
    """Store the figures in the edition's record: created when missing, else updated.

    The computed figures replace those stored before; other stored figures (an attendance
    the organisers reported...) are kept. A new regional record takes the national record's
    period, when there is one.

    Returns:
        The stored record.
    """
    try:
        stored = ws.get(figures.edition)
    except KeyError:
        stored = None
    if isinstance(stored, CampaignEdition):
        kept = {k: v for k, v in stored.figures.items() if not _computed(k)}
        merged = {**kept, **figures.as_record_figures()}
        return ws.update(stored.model_copy(update={"figures": merged}))  # type: ignore[return-value]
    national = _stored_edition(ws, _Edition(figures.campaign, figures.year, None))
    record = CampaignEdition(
        campaign=figures.campaign,
        year=figures.year,
        region=figures.region,
        start=national.start if national else None,
        end=national.end if national else None,
        figures=figures.as_record_figures(),
    )
    return ws.add(record)  # type: ignore[return-value]


# --- the editions of a workspace ---------------------------------------------------------------


def editions(ws: Workspace, *, lang: str = "fr") -> list[Row]:
    """The campaign editions known to the workspace: stored records and the editions events
    name, with their events (neither withdrawn nor cancelled), newest first.

    Returns:
        Rows of ``{"edition", "campaign", "name", "year", "region", "events", "stored"}``
        (``stored``: whether the edition has a record).

    Raises:
        ConfigError: for a language other than ``"fr"`` or ``"en"``.
    """
    check_lang(lang)
    cancelled = select(terms_t.c.record_id).where(
        terms_t.c.facet == "status", terms_t.c.code == "cancelled"
    )
    query = (
        select(records_t.c.campaign_edition, func.count())
        .where(
            records_t.c.record_type == "event",
            records_t.c.withdrawn_at.is_(None),
            records_t.c.campaign_edition.is_not(None),
            records_t.c.id.not_in(cancelled),
        )
        .group_by(records_t.c.campaign_edition)
    )
    with ws.store.transaction() as conn:
        counts: dict[str, int] = {str(k): int(n) for k, n in conn.execute(query)}
    stored = {record.id for record in ws.campaign_editions()}
    rows: list[Row] = []
    for edition_id in sorted(set(counts) | stored):
        try:
            campaign, year, region = parse_edition(edition_id)
        except ConfigError:
            continue  # an event naming something that is not an edition id
        rows.append(
            {
                "edition": edition_id,
                "campaign": campaign,
                "name": _campaign_name(ws, campaign, lang),
                "year": year,
                "region": region,
                "events": counts.get(edition_id, 0),
                "stored": edition_id in stored,
            }
        )
    rows.sort(key=lambda r: (-r["year"], r["campaign"], r["region"] or ""))
    return rows
