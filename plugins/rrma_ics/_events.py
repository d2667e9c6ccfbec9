"""From the VEVENTs of a calendar to event items: recurrence, overrides, cancellations.

One item is made per event, not per occurrence:

- a one-off VEVENT is an event with one occurrence;
- a recurring VEVENT (``RRULE``, ``RDATE``) is one event whose occurrences are its instances
  in the expansion range, with ``EXDATE`` removed, ``RECURRENCE-ID`` overrides moving or
  replacing their instance, and overrides with ``STATUS:CANCELLED`` cancelling theirs;
- an override that changes more than the time (another title, place, description...) is an
  event of its own, ``UID#RECURRENCE-ID``;
- several VEVENTs sharing a UID without ``RECURRENCE-ID`` (OpenAgenda writes one per timing)
  are one event when they say the same thing, with all their occurrences.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events
import x_wr_timezone

from rrma_core.vocabularies import get_vocabulary
from rrma_ics._rules import RuleProblem, check_rules
from rrma_ics._text import (
    HtmlCleaner,
    PlaceReader,
    http_url,
    language_of,
    looks_like_html,
    plain_text,
)
from rrma_ics._window import FAR_FUTURE, FAR_PAST, Window, instant, keep_occurrences

__all__ = ["CalendarStats", "EventReader", "ItemProblem"]

#: The properties that say what an event is (not when): an override differing in one of
#: them is an event of its own.
_DESCRIPTIVE = (
    "SUMMARY",
    "DESCRIPTION",
    "X-ALT-DESC",
    "LOCATION",
    "GEO",
    "URL",
    "CATEGORIES",
    "ORGANIZER",
)
_PRIVATE_CLASSES = {"PRIVATE", "CONFIDENTIAL"}
_BUDGET_CHECK_EVERY = 64
_LOGGED_PARSE_ERRORS = 10


class ItemProblem(Exception):
    """An event that cannot be read; its message is the reason shown in the sync report."""


class _BudgetExceeded(Exception):
    """The calendar's time budget for expanding recurrences ran out."""


@dataclass
class CalendarStats:
    """What reading a calendar left out, counted for the source's state and the log."""

    events: int = 0
    items: int = 0
    outside_window: int = 0
    private: int = 0
    skipped: int = 0
    capped: int = 0
    cut_by_time_budget: int = 0
    parse_errors: int = 0
    unknown_tzids: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able summary."""
        return {
            "vevents": self.events,
            "items": self.items,
            "left_out_outside_window": self.outside_window,
            "left_out_private": self.private,
            "skipped": self.skipped,
            "capped_at_max_occurrences": self.capped,
            "cut_by_time_budget": self.cut_by_time_budget,
            "parse_errors": self.parse_errors,
            "unknown_tzids": dict(sorted(self.unknown_tzids.items())),
        }


@dataclass(frozen=True, slots=True)
class _Piece:
    """One occurrence, with the component that describes it."""

    component: icalendar.Event
    start: date | datetime
    end: date | datetime  # exclusive, as in iCalendar
    cancelled: bool


class _FloatingWalker(x_wr_timezone.CalendarWalker):  # type: ignore[misc]
    """Gives floating date-times (and those of unknown TZIDs) a time zone, touching nothing
    else (x_wr_timezone's own walker also moves UTC times, which only X-WR-TIMEZONE asks)."""

    def __init__(self, zone: tzinfo) -> None:
        self.zone = zone

    def walk_value_datetime(self, dt: datetime) -> datetime:
        return dt.replace(tzinfo=self.zone) if dt.tzinfo is None else dt


def _prop(component: icalendar.Component, name: str) -> Any:
    """A property's value, or ``None``: ``component.get`` without its per-call key
    upper-casing (components store their keys upper-cased; ``name`` is), which counts when
    reading ten thousand events."""
    return dict.get(component, name)


def _has(component: icalendar.Component, name: str) -> bool:
    """Whether ``component`` has the property ``name`` (upper-case)."""
    return dict.__contains__(component, name)


def _one(component: icalendar.Event, name: str) -> Any:
    value = _prop(component, name)
    if isinstance(value, list):
        raise ItemProblem(f"{name} is given {len(value)} times")
    return value


def _broken(value: Any, name: str, what: str) -> ItemProblem:
    reason = getattr(value, "parse_error", None)
    detail = f" ({reason})" if reason else ""
    return ItemProblem(f"{name} {str(value)!r} is not {what}{detail}")


def _text(value: Any) -> str:
    """A text property's value (``None`` and lists give the first value or '')."""
    if isinstance(value, list):
        value = value[0] if value else None
    return "" if value is None else str(value)


def _raw(value: Any) -> Any:
    """A property's serialised value, to compare components."""
    if value is None:
        return None
    if isinstance(value, list):
        return tuple(_raw(v) for v in value)
    try:
        return value.to_ical()
    except Exception:  # a broken value still has its text
        return str(value)


def _descriptive_key(component: icalendar.Event) -> tuple[Any, ...]:
    return tuple(_raw(_prop(component, name)) for name in _DESCRIPTIVE)


def _says_something_else(override: icalendar.Event, master: icalendar.Event) -> bool:
    """Whether an override changes more than the time: a descriptive property it gives
    differs from the master's (one it leaves out is the master's)."""
    return any(
        _raw(_prop(override, name)) != _raw(_prop(master, name))
        for name in _DESCRIPTIVE
        if _has(override, name)
    )


def _inherit(master: icalendar.Event, override: icalendar.Event) -> icalendar.Event:
    """The override, with the descriptive properties it leaves out taken from the master."""
    merged = icalendar.Event()
    dict.update(merged, {k: v for k, v in master.items() if k in _DESCRIPTIVE})
    dict.update(merged, override)
    return merged


def _status(component: icalendar.Event) -> str:
    return _text(_prop(component, "STATUS")).strip().upper()


def _sort_key(value: date | datetime, zone: tzinfo) -> datetime:
    return instant(value, zone)


def _first(pair: tuple[datetime, _Piece]) -> datetime:
    return pair[0]


class EventReader:
    """Turns the VEVENTs of calendars into event items (dicts for ``Event``).

    One reader serves one fetch: it holds the window, the time budget and the counts.

    Args:
        window: The span open-ended recurrences are unrolled over.
        zone: The workspace's time zone (floating times, unknown TZIDs).
        base_url: The calendar's final URL, to resolve relative links (``None`` for a file).
        max_occurrences: The most occurrences one event keeps.
        time_budget: Seconds the calendar may spend expanding recurrences (the time spent
            in the expansions, added up; reading one-off events does not count).
        defaults: Fields set on every event (``event_kind``, ``campaign_edition``).
        skip: Called with (item name, reason) for each event left out with a reason.
        find_actor: Looks up a stored actor by name, for organisers.
        log: Where warnings go (unknown time zones, fields left out, capped events).
    """

    def __init__(
        self,
        *,
        window: Window,
        zone: tzinfo,
        base_url: str | None,
        max_occurrences: int,
        time_budget: float,
        defaults: Mapping[str, Any],
        skip: Callable[[str, str], None],
        find_actor: Callable[[str], Mapping[str, Any] | None],
        log: logging.Logger | logging.LoggerAdapter[logging.Logger],
    ) -> None:
        self.window = window
        self.zone = zone
        self.base_url = base_url
        self.max_occurrences = max_occurrences
        self.time_budget = time_budget
        self.defaults = dict(defaults)
        self._skip = skip
        self._find_actor = find_actor
        self.log = log
        self.stats = CalendarStats()
        self._spent = 0.0  # seconds spent expanding recurrences so far
        self._html = HtmlCleaner(base_url)
        self._places = PlaceReader()
        self._sectors = get_vocabulary("sectors")
        self._themes: dict[str, list[str]] = {}
        self._keyword_cache: dict[Any, list[str]] = {}
        self._organisers: dict[str, Mapping[str, Any] | None] = {}
        self._calendar_zone = zone
        self._wall_clock = False
        self._walker: Any = _FloatingWalker(zone)

    # --- the calendar ----------------------------------------------------------------------

    def items(self, calendar: icalendar.Calendar) -> Iterator[dict[str, Any]]:
        """Every event item of ``calendar``, in the calendar's order."""
        self._use_calendar_zone(calendar)
        groups: dict[str, list[icalendar.Event]] = {}
        loose: list[icalendar.Event] = []
        for component in calendar.subcomponents:
            if component.name != "VEVENT":
                continue
            self.stats.events += 1
            for name, message in component.errors:
                self._parse_error(_text(_prop(component, "UID")), name, message)
            if _text(_prop(component, "CLASS")).strip().upper() in _PRIVATE_CLASSES:
                self.stats.private += 1
                continue
            assert isinstance(component, icalendar.Event)  # VEVENTs parse as Event
            uid = _text(_prop(component, "UID")).strip()
            if uid:
                groups.setdefault(uid, []).append(component)
            else:
                loose.append(component)
        for uid, components in groups.items():
            yield from self._group(uid, components)
        for component in loose:
            yield from self._group(None, [component])

    def _use_calendar_zone(self, calendar: icalendar.Calendar) -> None:
        """Floating times are in the calendar's X-WR-TIMEZONE, else the workspace's zone."""
        name = _text(calendar.get("X-WR-TIMEZONE")).strip()
        self._calendar_zone = self.zone
        self._wall_clock = False
        self._walker = _FloatingWalker(self.zone)
        if name:
            try:
                zone = ZoneInfo(name)
            except (ValueError, KeyError):  # ZoneInfoNotFoundError is a KeyError
                self._flag_tzid(name)
            else:
                self._calendar_zone = zone
                self._wall_clock = True
                self._walker = x_wr_timezone.UTCChangingWalker(zone)

    def _parse_error(self, uid: str, name: str | None, message: str) -> None:
        """Log what icalendar could not parse in a VEVENT (the first few of a calendar)."""
        self.stats.parse_errors += 1
        if self.stats.parse_errors <= _LOGGED_PARSE_ERRORS:
            self.log.warning("VEVENT %s: %s: %s", uid or "(without UID)", name or "line", message)
        elif self.stats.parse_errors == _LOGGED_PARSE_ERRORS + 1:
            self.log.warning("more parse errors: only counted in the state from now on")

    def _flag_tzid(self, tzid: str) -> None:
        if tzid not in self.stats.unknown_tzids:
            self.log.warning(
                "unknown time zone %r: its times are read in %s", tzid, self._calendar_zone
            )
        self.stats.unknown_tzids[tzid] = self.stats.unknown_tzids.get(tzid, 0) + 1

    def skip(self, name: str, reason: str) -> None:
        """Leave an event out, with the reason shown in the sync report."""
        self.stats.skipped += 1
        self._skip(name, reason)

    # --- one UID ---------------------------------------------------------------------------

    def _group(
        self, uid: str | None, components: list[icalendar.Event]
    ) -> Iterator[dict[str, Any]]:
        masters = [c for c in components if not _has(c, "RECURRENCE-ID")]
        overrides = [c for c in components if _has(c, "RECURRENCE-ID")]
        if len(masters) == 1:
            yield from self._series(uid, masters[0], overrides)
            return
        if masters:
            yield from self._same_uid(uid, masters)
        for override in overrides:  # without (or with an ambiguous) master: events of their own
            yield from self._standalone(uid, override)

    def _name(self, uid: str | None, component: icalendar.Event) -> str:
        if uid:
            return uid
        return plain_text(_text(_prop(component, "SUMMARY")))[:120] or "(VEVENT without UID)"

    def _series(
        self, uid: str | None, master: icalendar.Event, overrides: list[icalendar.Event]
    ) -> Iterator[dict[str, Any]]:
        """One master VEVENT and its overrides (none, for most events)."""
        name = self._name(uid, master)
        kept: list[icalendar.Event] = []
        for override in overrides:
            try:
                self._times(override)
            except ItemProblem as problem:
                self.skip(f"{name}#{self._recurrence_id(override)}", str(problem))
            else:
                kept.append(override)
        pieces = self._pieces(name, master, kept)
        if pieces is None:
            return
        if not pieces:
            self.stats.outside_window += 1
            return
        yield from self._events(uid, master, pieces)

    def _same_uid(
        self, uid: str | None, masters: list[icalendar.Event]
    ) -> Iterator[dict[str, Any]]:
        """Several VEVENTs with one UID: one event per distinct description."""
        by_key: dict[tuple[Any, ...], list[_Piece]] = {}
        first: dict[tuple[Any, ...], icalendar.Event] = {}
        name = self._name(uid, masters[0])
        for master in masters:
            pieces = self._pieces(name, master, [])
            if pieces is None:
                continue
            key = _descriptive_key(master)
            first.setdefault(key, master)
            by_key.setdefault(key, []).extend(pieces)
        several = len(by_key) > 1
        for key, pieces in by_key.items():
            if not pieces:
                self.stats.outside_window += 1
                continue
            source_id = uid
            if several and uid:
                earliest = min(pieces, key=lambda p: _sort_key(p.start, self.zone))
                source_id = f"{uid}#{earliest.start.isoformat()}"
            yield from self._events(source_id, first[key], pieces, split=False)

    def _pieces(
        self, name: str, master: icalendar.Event, overrides: list[icalendar.Event]
    ) -> list[_Piece] | None:
        """The occurrences of ``master`` (with its ``overrides``), or ``None`` when it is
        skipped (the reason is reported)."""
        try:
            start, end = self._times(master)
            if not (_has(master, "RRULE") or _has(master, "RDATE") or overrides):
                return [_Piece(master, start, end, _status(master) == "CANCELLED")]
            summaries = check_rules(self._rules(master), start, self.window.end)
            for dates in ("EXDATE", "RDATE"):
                value = _prop(master, dates)
                for one in value if isinstance(value, list) else [value]:
                    if isinstance(one, icalendar.vBroken):
                        raise _broken(one, dates, "a list of dates or date-times")
            return self._expand(master, overrides, any(s.open_ended for s in summaries))
        except (ItemProblem, RuleProblem) as problem:
            self.skip(name, str(problem))
        except _BudgetExceeded:
            self.stats.cut_by_time_budget += 1
            self.skip(
                name,
                f"recurrence not expanded: the calendar's time budget ({self.time_budget:g} s) "
                "ran out (raise the source's time_budget)",
            )
        except Exception as error:  # recurring_ical_events on hostile data: report, go on
            self.skip(name, f"recurrence could not be expanded: {type(error).__name__}: {error}")
        return None

    def _standalone(self, uid: str | None, override: icalendar.Event) -> Iterator[dict[str, Any]]:
        rid = self._recurrence_id(override)
        source_id = f"{uid}#{rid}" if uid else None
        try:
            start, end = self._times(override)
        except ItemProblem as problem:
            self.skip(source_id or self._name(uid, override), str(problem))
            return
        piece = _Piece(override, start, end, _status(override) == "CANCELLED")
        yield from self._events(source_id, override, [piece], split=False)

    # --- times and recurrence --------------------------------------------------------------

    def _recurrence_id(self, component: icalendar.Event) -> str:
        value = _prop(component, "RECURRENCE-ID")
        try:
            when = value.dt
        except Exception:  # a broken RECURRENCE-ID: name it by its text
            return _text(value)
        if isinstance(when, datetime) and when.tzinfo is None:
            when = when.replace(tzinfo=self._calendar_zone)
        return str(when.isoformat())

    def _when(self, component: icalendar.Event, name: str) -> date | datetime:
        value = _one(component, name)
        if isinstance(value, icalendar.vBroken):
            raise _broken(value, name, "a date or a date-time")
        try:
            raw: Any = value.dt
        except (icalendar.InvalidCalendar, ValueError, TypeError, AttributeError) as error:
            raise _broken(value, name, f"a date or a date-time: {error}") from None
        if not isinstance(raw, date):
            raise ItemProblem(f"{name} {_text(value)!r} is not a date or a date-time")
        when: date | datetime = raw
        if isinstance(when, datetime):
            if when.tzinfo is None:
                tzid = value.params.get("TZID")
                if tzid:
                    self._flag_tzid(str(tzid))
                when = when.replace(tzinfo=self._calendar_zone)
            elif self._wall_clock and when.utcoffset() == timedelta(0):
                when = when.astimezone(self._calendar_zone)  # X-WR-TIMEZONE's reading of UTC
        return when

    def _times(self, component: icalendar.Event) -> tuple[date | datetime, date | datetime]:
        """The start and (exclusive) end of a component, with the RFC 5545 defaults."""
        if _prop(component, "DTSTART") is None:
            raise ItemProblem("no DTSTART (the event has no start)")
        start = self._when(component, "DTSTART")
        if _prop(component, "DTEND") is not None:
            end = self._when(component, "DTEND")
        elif _prop(component, "DURATION") is not None:
            value = _one(component, "DURATION")
            if isinstance(value, icalendar.vBroken):
                raise _broken(value, "DURATION", "a duration")
            duration = value.dt
            if not isinstance(duration, timedelta):
                raise ItemProblem(f"DURATION {_text(value)!r} is not a duration")
            if not isinstance(start, datetime):
                duration = timedelta(days=duration.days)
            end = start + duration
        elif isinstance(start, datetime):
            end = start  # RFC 5545: ends when it starts
        else:
            end = start + timedelta(days=1)  # RFC 5545: a one-day event
        end = _like(start, end, self._calendar_zone)
        if _sort_key(end, self.zone) < _sort_key(start, self.zone):
            raise ItemProblem(f"DTEND {end.isoformat()} is before DTSTART {start.isoformat()}")
        return start, end

    def _rules(self, component: icalendar.Event) -> list[Mapping[str, Any]]:
        value = _prop(component, "RRULE")
        if value is None:
            return []
        rules: list[Mapping[str, Any]] = []
        for rule in value if isinstance(value, list) else [value]:
            if isinstance(rule, icalendar.vBroken):
                raise _broken(rule, "RRULE", "a recurrence rule")
            rules.append(rule)
        return rules

    def _expand(
        self, master: icalendar.Event, overrides: Sequence[icalendar.Event], open_ended: bool
    ) -> list[_Piece]:
        """The master's instances in the range, overrides applied, as pieces."""
        if self._spent > self.time_budget:
            raise _BudgetExceeded
        began = time.monotonic()
        # The expansion sees the components with their times in a zone (X-WR-TIMEZONE's
        # reading, or floating times given one); the pieces keep the components as read.
        adapters = [recurring_ical_events.EventAdapter(self._walker.walk_event(master))]
        by_id: dict[Any, icalendar.Event] = {}
        for override in overrides:
            adapter = recurring_ical_events.EventAdapter(self._walker.walk_event(override))
            adapters.append(adapter)
            by_id[adapter.recurrence_ids] = override
        series = recurring_ical_events.Series(adapters)
        cancelled_series = _status(master) == "CANCELLED"
        # Only an RRULE steps through time; explicit dates (RDATE, overrides) are all read.
        range_start = self.window.start if open_ended else FAR_PAST
        range_end = self.window.end if _has(master, "RRULE") else FAR_FUTURE
        pieces = []
        for number, occurrence in enumerate(series.between(range_start, range_end)):
            if number % _BUDGET_CHECK_EVERY == 0:
                spent = self._spent + time.monotonic() - began
                if spent > self.time_budget:
                    self._spent = spent
                    raise _BudgetExceeded
            ids = occurrence.recurrence_ids
            component = by_id.get(ids, master) if ids else master
            if component is master:
                cancelled = cancelled_series
            else:
                cancelled = _status(component) == "CANCELLED"
            start = occurrence.start
            end = _like(start, occurrence.end, self._calendar_zone)
            pieces.append(_Piece(component, start, end, cancelled))
        self._spent += time.monotonic() - began
        return pieces

    # --- items -----------------------------------------------------------------------------

    def _events(
        self,
        uid: str | None,
        master: icalendar.Event,
        pieces: list[_Piece],
        *,
        split: bool = True,
    ) -> Iterator[dict[str, Any]]:
        """The items the pieces of one UID make: the master's, and one per override that
        says something else (when ``split``)."""
        buckets: dict[int, list[_Piece]] = {}
        heads: dict[int, icalendar.Event] = {id(master): master}
        for piece in pieces:
            key = id(master)
            component = piece.component
            if split and component is not master and not piece.cancelled:
                if id(component) in heads:
                    key = id(component)
                elif _says_something_else(component, master):
                    key = id(component)
                    heads[key] = _inherit(master, component)
            buckets.setdefault(key, []).append(piece)
        for key, bucket in buckets.items():
            head = heads[key]
            source_id = uid
            if head is not master and uid:
                source_id = f"{uid}#{self._recurrence_id(head)}"
            item = self._item(source_id, head, bucket)
            if item is not None:
                yield item

    def _item(
        self, source_id: str | None, head: icalendar.Event, pieces: list[_Piece]
    ) -> dict[str, Any] | None:
        name = source_id or self._name(None, head)
        if len(pieces) == 1:  # most events: nothing to sort, merge or cap
            kept = chosen = pieces
            status = "cancelled" if pieces[0].cancelled else "scheduled"
        else:
            kept, chosen, status = self._choose(pieces)
        if len(kept) < len(chosen):
            self.stats.capped += 1
            self.log.warning(
                "%s: %d occurrences, only %d kept (max_occurrences)",
                name,
                len(chosen),
                len(kept),
            )
        try:
            fields = self._fields(head)
        except ItemProblem as problem:
            self.skip(name, str(problem))
            return None
        item: dict[str, Any] = {
            **fields,
            "occurrences": [_occurrence(p.start, p.end) for p in kept],
            "status": status,
            **self.defaults,
        }
        if source_id:
            item["source_id"] = source_id
        self.stats.items += 1
        return item

    def _choose(self, pieces: list[_Piece]) -> tuple[list[_Piece], list[_Piece], str]:
        """The occurrences an event keeps, those it would have kept without the cap, and
        its status: cancelled when every occurrence is."""
        unique: dict[tuple[Any, Any], _Piece] = {}
        for piece in pieces:
            slot = (piece.start, piece.end)
            if slot not in unique or unique[slot].cancelled:
                unique[slot] = piece
        chosen = [p for p in unique.values() if not p.cancelled]
        status = "scheduled"
        if not chosen:
            status, chosen = "cancelled", list(unique.values())
        keyed = sorted(((_sort_key(p.start, self.zone), p) for p in chosen), key=_first)
        starts = [start for start, _ in keyed]
        chosen = [piece for _, piece in keyed]
        kept = keep_occurrences(chosen, starts, self.max_occurrences, self.window.start)
        return kept, chosen, status

    # --- descriptive fields ----------------------------------------------------------------

    def _fields(self, component: icalendar.Event) -> dict[str, Any]:
        summary = _prop(component, "SUMMARY")
        title = plain_text(_text(summary))
        if not title:
            raise ItemProblem("SUMMARY (the title) is missing or empty")
        fields: dict[str, Any] = {"title": {_language(summary): title}}
        description = self._description(component)
        if description:
            fields["description"] = description
        venue = self._venue(component)
        if venue:
            fields["venue"] = venue
        url = _prop(component, "URL")
        if url is not None:
            fields["url"] = http_url(_text(url), self.base_url)
        keywords = self._keywords(component)
        if keywords:
            fields["keywords"] = keywords
            themes: list[str] = []
            for keyword in keywords:
                for code in self._theme(keyword):
                    if code not in themes:
                        themes.append(code)
            if themes:
                fields["themes"] = themes
        organisers = self._organisers_of(component)
        if organisers:
            fields["organisers"] = organisers
        return fields

    def _description(self, component: icalendar.Event) -> dict[str, str] | None:
        alternative = _prop(component, "X-ALT-DESC")
        if alternative is not None and not isinstance(alternative, list):
            fmttype = str(alternative.params.get("FMTTYPE", "")).lower()
            if fmttype == "text/html":
                cleaned = self._html.clean(_unescape(str(alternative)))
                if plain_text(cleaned):
                    return {_language(alternative): cleaned}
        value = _prop(component, "DESCRIPTION")
        text = _text(value).strip()
        if not text:
            return None
        if looks_like_html(text):
            text = self._html.clean(text)
            if not plain_text(text):
                return None
        return {_language(value): text}

    def _venue(self, component: icalendar.Event) -> dict[str, Any] | None:
        venue: dict[str, Any] = {}
        location = plain_text(_text(_prop(component, "LOCATION")))
        if location:
            read = self._places.read(location)
            if read.name:
                venue["name"] = read.name
            if read.postal_code or read.street:
                address: dict[str, Any] = {
                    "street": read.street,
                    "postal_code": read.postal_code,
                    "city": read.city,
                }
                if read.country:
                    address["country"] = read.country
                venue["address"] = address
        geo = _prop(component, "GEO")
        if geo is not None and not isinstance(geo, list):
            try:
                lat, lon = float(geo.latitude), float(geo.longitude)
            except Exception:  # a broken GEO is left out, not guessed
                self.log.warning("GEO %r cannot be read: left out", str(geo))
            else:
                if -90 <= lat <= 90 and -180 <= lon <= 180:
                    venue["coordinates"] = {"lat": lat, "lon": lon}
                else:
                    self.log.warning("GEO %s;%s is out of range: left out", lat, lon)
        return venue or None

    def _keywords(self, component: icalendar.Event) -> list[str]:
        value = _prop(component, "CATEGORIES")
        if value is None:
            return []
        key = _raw(value)
        found = self._keyword_cache.get(key)
        if found is None:
            found = self._keyword_cache[key] = self._read_keywords(value)
        return list(found)

    def _read_keywords(self, value: Any) -> list[str]:
        keywords: list[str] = []
        seen: set[str] = set()
        for categories in value if isinstance(value, list) else [value]:
            try:
                names = list(categories.cats)
            except Exception:  # a broken CATEGORIES line is left out
                continue
            for raw in names:
                keyword = plain_text(str(raw))
                if keyword and keyword.casefold() not in seen:
                    seen.add(keyword.casefold())
                    keywords.append(keyword)
        return keywords

    def _theme(self, keyword: str) -> list[str]:
        found = self._themes.get(keyword)
        if found is None:
            found = self._themes[keyword] = self._sectors.match(keyword)
        return found

    def _organisers_of(self, component: icalendar.Event) -> list[Mapping[str, Any]]:
        value = _prop(component, "ORGANIZER")
        if value is None:
            return []
        organisers: list[Mapping[str, Any]] = []
        for organiser in value if isinstance(value, list) else [value]:
            name = plain_text(str(getattr(organiser, "params", {}).get("CN", "")))
            if not name:
                text = plain_text(str(organiser))
                # Mobilizon writes the group's name as the value; an address names no one.
                if text and ":" not in text and "@" not in text:
                    name = text
            if not name:
                continue
            if name not in self._organisers:
                self._organisers[name] = self._find_actor(name)
            found = self._organisers[name]
            ref = dict(found) if found else {"name": name}
            if ref not in organisers:
                organisers.append(ref)
        return organisers


_ESCAPED = re.compile(r"\\([\\;,nN])")


def _unescape(text: str) -> str:
    """Undo iCalendar's TEXT escapes (``\\,`` ``\\;`` ``\\n``), for properties icalendar does
    not know as text (``X-ALT-DESC``)."""
    return _ESCAPED.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), text)


def _language(value: Any) -> str:
    params = getattr(value, "params", None)
    return language_of(params.get("LANGUAGE") if params is not None else None)


def _like(start: date | datetime, end: date | datetime, zone: tzinfo) -> date | datetime:
    """``end`` of the same kind as ``start`` (producers mix dates and date-times)."""
    if isinstance(start, datetime):
        if isinstance(end, datetime):
            return end if end.tzinfo is not None else end.replace(tzinfo=zone)
        return instant(end, start.tzinfo or zone)
    if isinstance(end, datetime):
        day = end.date()
        return day + timedelta(days=1) if end.time() != datetime.min.time() else day
    return end


def _occurrence(start: date | datetime, end: date | datetime) -> dict[str, Any]:
    """An occurrence for the model: an all-day event's end is its last day, included."""
    if not isinstance(start, datetime) and not isinstance(end, datetime):
        last = end - timedelta(days=1)
        return {"start": start, "end": last if last >= start else start}
    return {"start": start, "end": end}
