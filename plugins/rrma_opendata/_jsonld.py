"""The ``jsonld`` exporter: schema.org ``Event`` and ``Organization`` nodes for web sites."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime, tzinfo
from typing import IO, Any, ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field

from rrma_core.connectors import Options
from rrma_core.exporters import ExportContext, Exporter
from rrma_core.models import Actor, ActorRef, Event, Person, Place, Record
from rrma_core.vocabularies import ActorType, AttendanceMode, EventStatus, get_vocabulary
from rrma_opendata._cells import labels_of
from rrma_opendata._columns import Env, sorted_occurrences
from rrma_opendata._text import clean, safe_json

__all__ = ["JsonLdExporter", "JsonLdOptions", "Nodes", "actor_node", "event_nodes"]

SCHEMA = "https://schema.org/"

_STATUS = {
    EventStatus.SCHEDULED: "EventScheduled",
    EventStatus.FULL: "EventScheduled",  # still taking place; the offer says SoldOut
    EventStatus.CANCELLED: "EventCancelled",
    EventStatus.POSTPONED: "EventPostponed",
    EventStatus.MOVED_ONLINE: "EventMovedOnline",
}
_MODE = {
    AttendanceMode.OFFLINE: "OfflineEventAttendanceMode",
    AttendanceMode.ONLINE: "OnlineEventAttendanceMode",
    AttendanceMode.MIXED: "MixedEventAttendanceMode",
}
#: The schema.org subtype of Organization of each actor type.
ORGANIZATION_TYPES = {
    ActorType.ASSOCIATION: "NGO",
    ActorType.OSIM: "NGO",
    ActorType.FOUNDATION: "NGO",
    ActorType.LOCAL_AUTHORITY: "GovernmentOrganization",
    ActorType.PUBLIC_BODY: "GovernmentOrganization",
    ActorType.SCHOOL: "EducationalOrganization",
    ActorType.UNIVERSITY: "CollegeOrUniversity",
    ActorType.ESS_ENTERPRISE: "Organization",
    ActorType.NETWORK: "Organization",
    ActorType.OTHER: "Organization",
}
_EDITION = re.compile(r"(?P<code>[a-z0-9-]+?)-(?P<year>\d{4})(?:-[0-9AB]{2,3})?")


class JsonLdOptions(Options):
    """Options of the ``jsonld`` exporter."""

    base_url: str = Field(
        default="urn:rrma:",
        description="What each node's `@id` starts with, followed by the record's id: the "
        "address of the network's pages (`https://reseau.example/fiche/`) makes them "
        "links. Default: `urn:rrma:`.",
        min_length=1,
        pattern=r"^(https?://\S+|urn:\S+)$",
    )


class Nodes:
    """What node builders share: ids, language, time zones, vocabularies' labels."""

    def __init__(self, env: Env, base_url: str) -> None:
        self.env = env
        self.base = base_url
        self.lang = env.lang
        self.regions = labels_of("regions", env.lang)
        self.countries = labels_of("countries", env.lang)
        self.sectors = labels_of("sectors", env.lang)
        self.audiences = labels_of("audiences", env.lang)
        self.campaigns = labels_of("campaigns", env.lang)

    def id(self, record_id: str) -> str:
        """The ``@id`` of a record."""
        return self.base + record_id

    def text(self, value: str | None) -> str | None:
        """Text without control characters (``None`` stays ``None``)."""
        return None if value is None else clean(value)

    def address(self, place: Place) -> dict[str, Any] | None:
        """A ``PostalAddress``, when the place has an address."""
        address = place.address
        if address is None:
            return None
        node: dict[str, Any] = {"@type": "PostalAddress"}
        _put(node, "streetAddress", self.text(address.street))
        _put(node, "postalCode", address.postal_code)
        _put(node, "addressLocality", self.text(address.city))
        if address.region:
            node["addressRegion"] = self.regions.get(address.region, address.region)
        node["addressCountry"] = address.country
        return node

    def place(self, place: Place, *, address: bool = True) -> dict[str, Any]:
        """A ``Place`` with its name, ``PostalAddress`` (unless told not) and coordinates."""
        node: dict[str, Any] = {"@type": "Place"}
        _put(node, "name", self.text(place.name))
        if address:
            _put(node, "address", self.address(place))
        if place.coordinates is not None:
            node["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": place.coordinates.lat,
                "longitude": place.coordinates.lon,
            }
        return node

    def organization(self, ref: ActorRef) -> dict[str, Any]:
        """An ``Organization`` for a reference: its ``@id`` when it is in the directory."""
        node: dict[str, Any] = {"@type": "Organization"}
        if ref.id:
            node["@id"] = self.id(ref.id)
        _put(node, "name", self.text(ref.name))
        return node

    def zone(self, place: Place | None) -> tzinfo:
        """The venue's time zone (its département's), else the workspace's."""
        departement = place.departement if place is not None else None
        return _departement_zone(departement) or self.env.tz


@functools.cache
def _departement_zone(code: str | None) -> tzinfo | None:
    if code is None:
        return None
    term = get_vocabulary("departements").get(code)
    name = term.data.get("timezone") if term is not None else None
    try:
        return ZoneInfo(name) if isinstance(name, str) else None
    except ZoneInfoNotFoundError:
        return None


def _put(node: dict[str, Any], key: str, value: Any) -> None:
    if value is not None and value != [] and value != "":
        node[key] = value


def _when(value: date | datetime, zone: tzinfo) -> str:
    if isinstance(value, datetime):
        return value.astimezone(zone).isoformat("T", "seconds")
    return value.isoformat()


def event_nodes(event: Event, nodes: Nodes) -> Iterator[dict[str, Any]]:
    """One schema.org ``Event`` per occurrence of ``event``.

    A single occurrence gets the event's ``@id``; each of several gets the ``@id`` followed
    by ``#`` and its start, so that it keeps its id when others are added.
    """
    lang = nodes.lang
    common: dict[str, Any] = {}
    _put(common, "name", nodes.text(event.title.get(lang)))
    if event.description is not None:
        common["description"] = nodes.text(event.description.get(lang))
    dates_at = len(common)
    common["eventStatus"] = SCHEMA + _STATUS.get(event.status, "EventScheduled")
    mode = event.attendance_mode
    if event.status == EventStatus.MOVED_ONLINE:
        mode = AttendanceMode.ONLINE
    common["eventAttendanceMode"] = SCHEMA + _MODE[mode]
    locations: list[dict[str, Any]] = []
    if event.venue is not None and mode != AttendanceMode.ONLINE:
        locations.append(nodes.place(event.venue))
    if event.online_url and mode != AttendanceMode.OFFLINE:
        locations.append({"@type": "VirtualLocation", "url": event.online_url})
    if locations:
        common["location"] = locations[0] if len(locations) == 1 else locations
    _put(common, "organizer", [nodes.organization(ref) for ref in event.organisers])
    _put(common, "offers", _offer(event))
    if event.price is not None and event.price.free:
        common["isAccessibleForFree"] = True
    _put(
        common,
        "audience",
        [
            {"@type": "Audience", "audienceType": nodes.audiences.get(a.value, a.value)}
            for a in event.audiences
        ],
    )
    _put(common, "keywords", [clean(k) for k in event.keywords])
    _put(common, "about", [nodes.sectors.get(t, t) for t in event.themes])
    languages = event.title.languages
    common["inLanguage"] = "fr" if "fr" in languages else languages[0]
    _put(common, "url", event.url)
    if event.campaign_edition:
        common["superEvent"] = _series(event.campaign_edition, nodes)
    items = list(common.items())
    zone = nodes.zone(event.venue)
    occurrences = sorted_occurrences(event)
    base = nodes.id(event.id)
    for occurrence in occurrences:
        node: dict[str, Any] = {"@type": "Event"}
        node["@id"] = base if len(occurrences) == 1 else f"{base}#{_when(occurrence.start, zone)}"
        node.update(items[:dates_at])
        node["startDate"] = _when(occurrence.start, zone)
        if occurrence.end is not None:
            node["endDate"] = _when(occurrence.end, zone)
        node.update(items[dates_at:])
        yield node


def _offer(event: Event) -> dict[str, Any] | None:
    price = event.price
    full = event.status == EventStatus.FULL
    if price is None and not event.registration_url and not full:
        return None
    offer: dict[str, Any] = {"@type": "Offer"}
    if price is not None:
        if price.amount is not None:
            offer["price"] = price.amount
            offer["priceCurrency"] = price.currency
        elif price.free:
            offer["price"] = 0
            offer["priceCurrency"] = price.currency
        _put(offer, "description", clean(price.text) if price.text else None)
    _put(offer, "url", event.registration_url)
    if full:
        offer["availability"] = SCHEMA + "SoldOut"
    return offer if len(offer) > 1 else None


def _series(edition: str, nodes: Nodes) -> dict[str, Any]:
    node: dict[str, Any] = {"@type": "EventSeries", "@id": nodes.id(edition)}
    match = _EDITION.fullmatch(edition)
    if match and match["code"] in nodes.campaigns:
        node["name"] = f"{nodes.campaigns[match['code']]} {match['year']}"
    return node


def actor_node(actor: Actor, nodes: Nodes) -> dict[str, Any]:
    """A schema.org ``Organization`` (or the subtype its actor type is) for ``actor``."""
    lang = nodes.lang
    node: dict[str, Any] = {
        "@type": ORGANIZATION_TYPES.get(actor.actor_type, "Organization"),
        "@id": nodes.id(actor.id),
        "name": clean(actor.name),
    }
    _put(node, "alternateName", nodes.text(actor.acronym))
    if actor.description is not None:
        node["description"] = clean(actor.description.get(lang))
    _put(node, "url", actor.website)
    _put(node, "email", nodes.text(actor.email))
    office = actor.head_office
    if office is not None:
        _put(node, "address", nodes.address(office))
        if office.coordinates is not None or office.name:
            node["location"] = nodes.place(office, address=False)  # the address is above
    identifiers = [
        {"@type": "PropertyValue", "propertyID": kind, "value": value}
        for kind, value in (("SIRET", actor.siret), ("SIREN", actor.siren), ("RNA", actor.rna))
        if value
    ]
    _put(node, "identifier", identifiers)
    _put(
        node,
        "areaServed",
        [
            {"@type": "Country", "name": nodes.countries.get(c, c), "identifier": c}
            for c in actor.countries
        ],
    )
    _put(node, "knowsAbout", [nodes.sectors.get(s, s) for s in actor.sectors])
    _put(node, "memberOf", [nodes.organization(ref) for ref in actor.memberships])
    if nodes.env.personal_data and actor.contacts:
        node["contactPoint"] = [_contact_point(p) for p in actor.contacts]
    return node


def _contact_point(person: Person) -> dict[str, Any]:
    point: dict[str, Any] = {"@type": "ContactPoint", "name": clean(person.name)}
    _put(point, "contactType", clean(person.role) if person.role else None)
    _put(point, "email", person.email)
    _put(point, "telephone", clean(person.phone) if person.phone else None)
    return point


class JsonLdExporter(Exporter[JsonLdOptions]):
    """Writes events and actors as one schema.org JSON-LD document.

    ``{"@context": "https://schema.org", "@graph": [...]}`` with one ``Event`` per
    occurrence of each event and one ``Organization`` (or ``NGO``,
    ``GovernmentOrganization``...) per actor, one node per line, in the records' order.
    ``<``, ``>`` and ``&`` are written as ``\\u`` escapes, so the document can be pasted
    into a ``<script type="application/ld+json">`` element as it is.
    """

    name: ClassVar[str] = "jsonld"
    media_type: ClassVar[str] = "application/ld+json"
    extension: ClassVar[str] = ".jsonld"
    record_types: ClassVar[tuple[type[Record], ...]] = (Event, Actor)
    Options = JsonLdOptions

    def export(self, records: Iterable[Record], out: IO[bytes], ctx: ExportContext) -> int:
        """Write the JSON-LD document to ``out``; return the number of records written."""
        nodes = Nodes(Env.of(ctx), self.options.base_url)
        out.write(b'{"@context": "https://schema.org", "@graph": [')
        count = 0
        separator = b"\n"
        for record in records:
            if isinstance(record, Event):
                built: Iterable[dict[str, Any]] = event_nodes(record, nodes)
            elif isinstance(record, Actor):
                built = [actor_node(record, nodes)]
            else:
                continue
            for node in built:
                out.write(separator)
                out.write(safe_json(json.dumps(node, ensure_ascii=False)).encode("utf-8"))
                separator = b",\n"
            count += 1
        out.write(b"\n]}\n")
        return count
