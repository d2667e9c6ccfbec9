"""Refuse recurrence rules that would explode, before anything expands them.

Expanding a rule costs time in proportion to the steps from its ``DTSTART`` to the end of the
range asked for (dateutil walks every period from the start), not to the occurrences that
come out. A 200-byte event with ``FREQ=MINUTELY`` and a ``DTSTART`` in 1970 takes a minute
to expand over one day in 2026, and ``INTERVAL=0`` loops for ever. So each ``RRULE`` is
checked here, on its parsed value, and refused with a reason a person can act on.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from icalendar import vRecur

__all__ = ["MAX_COUNT", "MAX_STEPS", "RuleProblem", "RuleSummary", "check_rule", "check_rules"]

#: The largest ``COUNT`` accepted: no calendar of events repeats one event more often.
MAX_COUNT = 10_000
#: The most candidate instants one rule may make its expansion walk through (about half a
#: second of dateutil's work on a modest machine).
MAX_STEPS = 200_000

_PERIOD = {
    "YEARLY": timedelta(days=365.25),
    "MONTHLY": timedelta(days=30.44),
    "WEEKLY": timedelta(days=7),
    "DAILY": timedelta(days=1),
    "HOURLY": timedelta(hours=1),
}
# How many days dateutil looks at in each period before applying the BY... filters.
_DAYS_PER_PERIOD = {"YEARLY": 366, "MONTHLY": 31, "WEEKLY": 7, "DAILY": 1, "HOURLY": 1}
_REFUSED_FREQ = {"SECONDLY", "MINUTELY"}


class RuleProblem(ValueError):
    """A recurrence rule that is refused: malformed, or too costly to expand."""


@dataclass(frozen=True, slots=True)
class RuleSummary:
    """What the expansion needs to know about one accepted rule.

    Attributes:
        open_ended: The rule has neither ``COUNT`` nor ``UNTIL``: it repeats for ever.
        steps: The estimated candidate instants its expansion walks through.
    """

    open_ended: bool
    steps: int


def _first(values: Mapping[str, Any], key: str) -> Any:
    value = values.get(key)
    if isinstance(value, list | tuple):
        return value[0] if value else None
    return value


def _as_datetime(value: date | datetime, like: datetime) -> datetime:
    """``value`` comparable with ``like`` (an aware date-time)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=like.tzinfo)
        return value
    return datetime(value.year, value.month, value.day, tzinfo=like.tzinfo)


def _count_values(values: Mapping[str, Any], key: str) -> int:
    value = values.get(key)
    if value is None:
        return 0
    if isinstance(value, list | tuple):
        return len(value)
    return 1


def check_rule(rule: Mapping[str, Any], start: date | datetime, until: datetime) -> RuleSummary:
    """Check one parsed ``RRULE`` of an event starting at ``start``, expanded up to ``until``.

    Args:
        rule: The rule as icalendar parses it (``vRecur``: upper-case keys, list values).
        start: The event's ``DTSTART`` (a date, or an aware date-time).
        until: The end of the range the rule will be expanded over (aware).

    Returns:
        What the expansion needs to know about the rule.

    Raises:
        RuleProblem: naming the part of the rule that is refused and why.
    """
    freq = _first(rule, "FREQ")
    if not freq:
        raise RuleProblem("RRULE has no FREQ")
    freq = str(freq).upper()
    if freq in _REFUSED_FREQ:
        raise RuleProblem(
            f"RRULE FREQ={freq} is refused: an event repeating every "
            f"{'second' if freq == 'SECONDLY' else 'minute'} is not an event"
        )
    if freq not in _PERIOD:
        raise RuleProblem(f"RRULE FREQ={freq} is not a frequency (YEARLY ... HOURLY)")

    interval = _first(rule, "INTERVAL")
    if interval is None:
        interval = 1
    if isinstance(interval, bool) or not isinstance(interval, int) or interval < 1:
        raise RuleProblem(f"RRULE INTERVAL={interval} is refused: it must be 1 or more")

    count = _first(rule, "COUNT")
    if count is not None:
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise RuleProblem(f"RRULE COUNT={count} is refused: it must be 1 or more")
        if count > MAX_COUNT:
            raise RuleProblem(f"RRULE COUNT={count} is refused: more than {MAX_COUNT} repetitions")

    rule_until = _first(rule, "UNTIL")
    if rule_until is not None and not isinstance(rule_until, date):
        raise RuleProblem(f"RRULE UNTIL={rule_until!r} is not a date")
    if count is not None and rule_until is not None:
        raise RuleProblem("RRULE has both COUNT and UNTIL (RFC 5545 allows one of them)")

    start_dt = _as_datetime(start, until)
    end = until
    if rule_until is not None:
        until_dt = _as_datetime(rule_until, start_dt)
        if isinstance(rule_until, datetime) or isinstance(start, datetime):
            before = until_dt < start_dt
        else:
            before = rule_until < start
        if before:
            raise RuleProblem(
                f"RRULE UNTIL={rule_until.isoformat()} is before DTSTART {start.isoformat()}"
            )
        end = min(end, until_dt)

    periods = max(0.0, (end - start_dt) / (_PERIOD[freq] * interval)) + 1
    timeset = 1
    for part in ("BYHOUR", "BYMINUTE", "BYSECOND"):
        timeset *= max(1, _count_values(rule, part))
    steps = math.ceil(periods * _DAYS_PER_PERIOD[freq] * timeset)
    if steps > MAX_STEPS:
        raise RuleProblem(
            f"RRULE FREQ={freq}"
            + (f";INTERVAL={interval}" if interval != 1 else "")
            + f" from {start.isoformat()} would take about {steps:,} steps to expand "
            f"(the limit is {MAX_STEPS:,})"
        )
    if _needs_probe(rule):
        _probe(rule, start)
    return RuleSummary(open_ended=count is None and rule_until is None, steps=steps)


# Day filters that can contradict each other (February 30th) or select nothing (the 7th
# Monday of a month). Weekdays alone and times of day always match some day.
_DAY_FILTERS = ("BYMONTH", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYSETPOS")


def _needs_probe(rule: Mapping[str, Any]) -> bool:
    if any(rule.get(part) for part in _DAY_FILTERS):
        return True
    days = rule.get("BYDAY") or []
    return any(not str(day).isalpha() for day in (days if isinstance(days, list) else [days]))


def _probe(rule: Mapping[str, Any], start: date | datetime) -> None:
    """Refuse a rule that matches no day at all.

    dateutil looks for the next instance up to the year 9999 before it gives up, whatever
    range it was asked for: ``FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30`` costs it seconds. So the
    rule is tried, here, from 9972: 27 years (seven leap years, every weekday of every date)
    that end at dateutil's limit, which bounds the try to a few hundredths of a second.
    """
    # dateutil ships no type information; icalendar and recurring-ical-events depend on it.
    from dateutil.rrule import rrulestr  # type: ignore[import-untyped]

    probe = vRecur({k: v for k, v in rule.items() if k.upper() not in {"COUNT", "UNTIL"}})
    text = probe.to_ical().decode()  # type: ignore[no-untyped-call]
    moment = start if isinstance(start, datetime) else datetime.combine(start, time())
    begin = datetime(9972, moment.month, moment.day, moment.hour, moment.minute, moment.second)
    try:
        first = next(iter(rrulestr(text, dtstart=begin)), None)
    except (ValueError, TypeError, IndexError, OverflowError) as error:
        reason = str(error) or type(error).__name__
        raise RuleProblem(f"RRULE {text} cannot be expanded: {reason}") from None
    if first is None:
        raise RuleProblem(f"RRULE {text} matches no day at all (such as February 30th)")


def check_rules(
    rules: Sequence[Mapping[str, Any]], start: date | datetime, until: datetime
) -> list[RuleSummary]:
    """``check_rule`` for every rule of an event (an event may have several)."""
    return [check_rule(rule, start, until) for rule in rules]
