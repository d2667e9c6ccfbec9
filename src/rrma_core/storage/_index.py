"""What of each record is indexed: columns, terms and occurrences."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from enum import Enum
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from rrma_core.models import (
    Actor,
    CallForProjects,
    Campaign,
    CampaignEdition,
    Event,
    MultiActorSpace,
    Observation,
    Place,
    Programme,
    Project,
    Record,
    Resource,
    Training,
)
from rrma_core.vocabularies._core import fold

__all__ = ["Indexed", "canonical_url", "fold_name", "index_record", "url_key"]

_TRACKING = ("utm_", "mtm_", "pk_")
_TRACKING_KEYS = frozenset({"fbclid", "gclid", "mc_cid", "mc_eid", "xtor", "at_medium", "ref"})


def canonical_url(url: str) -> str:
    """``url`` without tracking parameters, fragment, default port or trailing slash."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    port = parts.port
    scheme = parts.scheme.lower()
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(_TRACKING) and k.lower() not in _TRACKING_KEYS
    ]
    path = parts.path.rstrip("/") or ""
    return urlunsplit((scheme, host, path, urlencode(sorted(query)), ""))


def url_key(url: str | None) -> str | None:
    """The indexed key of a URL: a hash of its canonical form."""
    if not url:
        return None
    return hashlib.sha256(canonical_url(url).encode()).hexdigest()


@dataclass
class Indexed:
    """The indexed form of one record."""

    columns: dict[str, Any]
    terms: set[tuple[str, str]] = field(default_factory=set)
    occurrences: list[tuple[datetime, datetime, bool]] = field(default_factory=list)


def fold_name(name: str) -> str:
    """A name as compared for matching: no case, accents, punctuation or extra spaces."""
    return " ".join("".join(c if c.isalnum() else " " for c in fold(name)).split())


def instant(value: date | datetime | None, tz: tzinfo, *, end: bool = False) -> datetime | None:
    """An aware date-time for a date (its start, or with ``end`` the end of the day, in ``tz``)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value
    if end:
        return datetime.combine(value + timedelta(days=1), time(), tz)
    return datetime.combine(value, time(), tz)


def _place(place: Place | None) -> dict[str, Any]:
    address = place.address if place else None
    return {
        "commune": address.commune if address else None,
        "departement": address.departement if address else None,
        "region": address.region if address else None,
    }


def _terms(facet: str, values: Iterable[Any]) -> set[tuple[str, str]]:
    return {(facet, (v.value if isinstance(v, Enum) else str(v))[:200]) for v in values}


def _names(facet: str, refs: Iterable[Any]) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for ref in refs:
        if ref.id:
            found.add((facet, ref.id[:200]))
        if ref.name:
            found.add((facet, fold(ref.name)[:200]))
    return found


def index_record(record: Record, tz: tzinfo) -> Indexed:
    """The columns, terms and occurrences under which ``record`` is found."""
    columns: dict[str, Any] = {
        "title": None,
        "category": None,
        "start_at": None,
        "end_at": None,
        "deadline": None,
        "commune": None,
        "departement": None,
        "region": None,
        "campaign_edition": None,
        "url_key": url_key(getattr(record, "url", None)),
    }
    indexed = Indexed(columns)
    terms = indexed.terms
    if isinstance(record, Event):
        columns.update(_place(record.venue))
        columns.update(
            title=str(record.title),
            category=record.event_kind.value,
            campaign_edition=record.campaign_edition,
        )
        for occ in record.occurrences:
            start = instant(occ.start, tz)
            stop = (
                instant(occ.end, tz, end=True)
                if occ.end
                else instant(occ.start, tz, end=occ.all_day)
            )
            assert start is not None
            assert stop is not None
            indexed.occurrences.append((start, stop, occ.all_day))
        columns["start_at"] = min(o[0] for o in indexed.occurrences)
        columns["end_at"] = max(o[1] for o in indexed.occurrences)
        terms |= _terms("theme", record.themes) | _terms("sdg", record.sdgs)
        terms |= _terms("audience", record.audiences) | _terms("status", [record.status])
        terms |= _names("organiser", record.organisers)
        terms |= _terms("keyword", (fold(k) for k in record.keywords))
    elif isinstance(record, CallForProjects):
        columns.update(
            title=str(record.title),
            start_at=instant(record.opens_on or record.published_on, tz),
            deadline=instant(record.deadline, tz, end=True),
        )
        terms |= _terms("theme", record.themes) | _terms("sdg", record.sdgs)
        terms |= _terms("country", record.countries) | _names("funder", record.funders)
        terms |= _terms("eligible", record.eligible_actor_types)
        if record.perimeter:
            terms |= _terms("region", record.perimeter.regions)
            terms |= _terms("departement", record.perimeter.departements)
    elif isinstance(record, Actor):
        columns.update(_place(record.head_office))
        columns.update(title=record.name, category=record.actor_type.value)
        terms |= _terms("theme", record.sectors) | _terms("sdg", record.sdgs)
        terms |= _terms("country", record.countries) | _names("member_of", record.memberships)
        terms |= _terms("name", [fold_name(record.name)])
        if record.acronym:
            terms.add(("name", fold_name(record.acronym)))
        terms |= _terms("siret", [record.siret] if record.siret else [])
        terms |= _terms("siren", [record.siren] if record.siren else [])
        terms |= _terms("rna", [record.rna] if record.rna else [])
    elif isinstance(record, MultiActorSpace):
        columns.update(title=str(record.name), category=record.space_kind.value)
        terms |= _terms("theme", record.themes) | _terms("sdg", record.sdgs)
        terms |= _terms("country", record.countries) | _terms("region", record.regions)
        terms |= _terms("departement", record.departements)
        terms |= _names("member", (m.actor for m in record.members))
    elif isinstance(record, Training):
        columns.update(
            title=str(record.title),
            category=record.training_format.value if record.training_format else None,
        )
        spans = [
            (instant(s.start, tz), instant(s.end or s.start, tz, end=True)) for s in record.sessions
        ]
        if spans:
            columns["start_at"] = min(s for s, _ in spans if s)
            columns["end_at"] = max(e for _, e in spans if e)
        places = [_place(s.venue) for s in record.sessions if s.venue]
        if places:
            columns.update(places[0])
        terms |= _terms("training_theme", record.themes) | _terms("theme", record.sectors)
        terms |= _terms("sdg", record.sdgs)
    elif isinstance(record, Resource):
        columns.update(
            title=str(record.title),
            category=record.resource_kind.value,
            start_at=instant(record.published_on, tz),
        )
        terms |= _terms("theme", record.themes) | _terms("sdg", record.sdgs)
        terms |= _names("author", record.authors)
    elif isinstance(record, Observation):
        dims = record.dimensions
        columns.update(
            title=record.indicator,
            category=record.indicator,
            start_at=instant(record.period.start, tz),
            end_at=instant(record.period.end, tz, end=True),
            departement=dims.get("departement"),
            region=dims.get("region"),
            campaign_edition=dims.get("campaign"),
        )
        terms |= {(f"dim:{k}"[:40], v[:200]) for k, v in dims.items()}
    elif isinstance(record, Project):
        columns.update(
            title=str(record.title),
            category=record.status.value if record.status else None,
            start_at=instant(record.start, tz),
            end_at=instant(record.end, tz, end=True),
        )
        terms |= _terms("country", record.countries) | _terms("theme", record.sectors)
        terms |= _terms("sdg", record.sdgs) | _terms("dac", record.dac_sectors)
        terms |= _names("partner", (p.actor for p in record.partners))
        if record.programme:
            terms.add(("programme", record.programme))
    elif isinstance(record, Programme):
        columns.update(
            title=str(record.title),
            category=record.programme_kind.value,
            start_at=instant(record.start, tz),
            end_at=instant(record.end, tz, end=True),
        )
        terms |= _terms("country", record.countries) | _terms("theme", record.sectors)
        terms |= _names("funder", record.funders)
    elif isinstance(record, CampaignEdition):
        columns.update(
            title=f"{record.campaign} {record.year}",
            category=record.campaign,
            start_at=instant(record.start, tz),
            end_at=instant(record.end, tz, end=True),
            region=record.region,
            campaign_edition=record.id,
        )
    elif isinstance(record, Campaign):
        columns.update(title=str(record.name), category=record.code)
    else:  # a plugin's own record type
        title = getattr(record, "title", None) or getattr(record, "name", None)
        columns["title"] = str(title) if title is not None else None
    if columns["title"]:
        columns["title"] = columns["title"][:1000]
    return indexed
