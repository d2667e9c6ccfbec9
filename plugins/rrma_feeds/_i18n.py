"""The words of the feeds in French and English: labels, dates, times and amounts.

Dates are written out by hand rather than through the C locale, which would depend on the
machine's installed locales and make the same records give different bytes elsewhere.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import Final

from rrma_core.vocabularies import MONTHS, WEEKDAYS

__all__ = [
    "Words",
    "format_amount",
    "format_day",
    "format_instant",
    "format_money",
    "format_number",
    "format_short_day",
    "format_span",
    "words_for",
]

_CURRENCY_SIGNS: Final = {"EUR": "€"}


class Words:
    """The fixed words of a feed in one language (``fr`` or ``en``)."""

    def __init__(self, lang: str, table: dict[str, str]) -> None:
        self.lang = lang
        self._table = table

    def __getitem__(self, key: str) -> str:
        return self._table[key]


_FR: Final = Words(
    "fr",
    {
        "title.calls": "{workspace} — appels à projets",
        "title.events": "{workspace} — agenda",
        "title.mixed": "{workspace} — appels à projets et agenda",
        "description.calls": "Les appels à projets relayés par {workspace}, par date limite.",
        "description.events": "L'agenda de {workspace}, par date.",
        "description.mixed": "Les appels à projets et l'agenda de {workspace}, par date.",
        "title.deadline": "{title} — date limite\u00a0: {day}",
        "title.when": "{title} — {day}",
        "title.status": "[{status}] {title}",
        "deadline": "Date limite",
        "no_deadline": "Date limite\u00a0: non précisée",
        "funders": "Financement",
        "amount": "Montant",
        "eligible": "Structures éligibles",
        "perimeter": "Territoire",
        "national": "France entière",
        "countries": "Pays",
        "opens": "Ouverture",
        "when": "Quand",
        "where": "Où",
        "online": "En ligne",
        "organisers": "Organisation",
        "price": "Tarif",
        "free": "Gratuit",
        "registration": "Inscription",
        "status": "Statut",
        "kind": "Type",
        "more_dates": "et {count} autres dates",
        "at": "{day} à {time}",
        "same_day": "{day}, {start} – {end}",
        "span": "du {start} au {end}",
        "from": "à partir de {low}",
        "up_to": "jusqu'à {high}",
        "range": "de {low} à {high}",
        "rate": "{rate} % du budget",
    },
)
_EN: Final = Words(
    "en",
    {
        "title.calls": "{workspace} — calls for projects",
        "title.events": "{workspace} — events",
        "title.mixed": "{workspace} — calls for projects and events",
        "description.calls": "Calls for projects relayed by {workspace}, by deadline.",
        "description.events": "Events relayed by {workspace}, by date.",
        "description.mixed": "Calls for projects and events relayed by {workspace}, by date.",
        "title.deadline": "{title} — deadline: {day}",
        "title.when": "{title} — {day}",
        "title.status": "[{status}] {title}",
        "deadline": "Deadline",
        "no_deadline": "Deadline: not given",
        "funders": "Funding",
        "amount": "Amount",
        "eligible": "Eligible applicants",
        "perimeter": "Area",
        "national": "All of France",
        "countries": "Countries",
        "opens": "Opens",
        "when": "When",
        "where": "Where",
        "online": "Online",
        "organisers": "Organised by",
        "price": "Price",
        "free": "Free",
        "registration": "Registration",
        "status": "Status",
        "kind": "Type",
        "more_dates": "and {count} more dates",
        "at": "{day} at {time}",
        "same_day": "{day}, {start}–{end}",
        "span": "from {start} to {end}",
        "from": "from {low}",
        "up_to": "up to {high}",
        "range": "{low} to {high}",
        "rate": "{rate}% of the budget",
    },
)


def words_for(lang: str) -> Words:
    """The words for ``lang``: English for ``en`` and ``en-*``, French for anything else."""
    return _EN if lang.split("-")[0].lower() == "en" else _FR


def format_day(day: date, lang: str) -> str:
    """A day in full: ``vendredi 16 octobre 2026``, ``1er mai``; ``Friday 16 October 2026``."""
    months, weekdays = MONTHS[lang], WEEKDAYS[lang]
    if lang == "fr":
        number = "1er" if day.day == 1 else str(day.day)
        return f"{weekdays[day.weekday()]} {number} {months[day.month - 1]} {day.year}"
    return f"{weekdays[day.weekday()]} {day.day} {months[day.month - 1]} {day.year}"


def format_short_day(day: date, lang: str) -> str:
    """A day without its weekday, for titles: ``16 octobre 2026``, ``16 October 2026``."""
    number = "1er" if lang == "fr" and day.day == 1 else str(day.day)
    return f"{number} {MONTHS[lang][day.month - 1]} {day.year}"


def _time(moment: datetime) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}"


def format_instant(value: date | datetime, tz: tzinfo, words: Words) -> str:
    """A date (``vendredi 29 janvier 2027``) or a date-time in ``tz`` (``… à 12:00``)."""
    if isinstance(value, datetime):
        local = value.astimezone(tz)
        return words["at"].format(day=format_day(local.date(), words.lang), time=_time(local))
    return format_day(value, words.lang)


def format_span(
    start: date | datetime, end: date | datetime | None, tz: tzinfo, words: Words
) -> str:
    """When an occurrence takes place, in ``tz``.

    ``vendredi 16 octobre 2026, 20:00 – 22:30``; across days ``du … au …``; all-day
    occurrences by their days only.
    """
    lang = words.lang
    if not isinstance(start, datetime):
        if end is None or end == start:
            return format_day(start, lang)
        return words["span"].format(start=format_day(start, lang), end=format_day(end, lang))
    first = start.astimezone(tz)
    if not isinstance(end, datetime) or end == start:
        return words["at"].format(day=format_day(first.date(), lang), time=_time(first))
    last = end.astimezone(tz)
    if last.date() == first.date():
        return words["same_day"].format(
            day=format_day(first.date(), lang), start=_time(first), end=_time(last)
        )
    return words["span"].format(
        start=f"{format_day(first.date(), lang)}, {_time(first)}",
        end=f"{format_day(last.date(), lang)}, {_time(last)}",
    )


def format_number(value: float, lang: str) -> str:
    """``5 000`` and ``6,50`` in French (narrow no-break spaces), ``5,000`` and ``6.50`` in
    English."""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    if lang == "fr":
        return text.replace(",", "\u202f").replace(".", ",")
    return text


def format_money(value: float, currency: str, lang: str) -> str:
    """An amount with its currency: ``5 000 €`` in French, ``€5,000`` in English."""
    number = format_number(value, lang)
    sign = _CURRENCY_SIGNS.get(currency)
    if lang == "fr":
        return f"{number}\u00a0{sign or currency}"
    return f"{sign}{number}" if sign else f"{currency}\u00a0{number}"


def format_amount(
    low: float | None, high: float | None, rate: float | None, currency: str, words: Words
) -> str | None:
    """A call's amount from its range and co-funding rate, or ``None`` when none is given."""
    lang = words.lang
    parts: list[str] = []
    if low is not None and high is not None and low != high:
        parts.append(
            words["range"].format(
                low=format_money(low, currency, lang), high=format_money(high, currency, lang)
            )
        )
    elif low is not None and high is not None:
        parts.append(format_money(low, currency, lang))
    elif low is not None:
        parts.append(words["from"].format(low=format_money(low, currency, lang)))
    elif high is not None:
        parts.append(words["up_to"].format(high=format_money(high, currency, lang)))
    if rate is not None:
        parts.append(words["rate"].format(rate=format_number(rate, lang)))
    if not parts:
        return None
    text = ", ".join(parts)
    return text[0].upper() + text[1:]
