"""The digest's fixed strings in French and English, and dates and amounts written in words.

Dates are formatted here, with our own month and day names, rather than with ``strftime`` and
the system locale: the output must not depend on the machine that renders it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from types import MappingProxyType

from rrma_core.vocabularies import MONTHS, WEEKDAYS

__all__ = ["LANGS", "Catalogue", "catalogue"]

NBSP = "\u00a0"

# Every string a reader sees that does not come from a record. ``{...}`` fields are filled
# with str.format; keys ending in ``_one`` / ``_other`` are the two plural forms.
_STRINGS: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Lettre d'information — {workspace}",
        "calls": "Appels à projets ouverts",
        "events": "Agenda",
        "resources": "Nouvelles ressources",
        "nothing": "Rien de nouveau à relayer pour cette période.",
        "week": "Semaine du {day}",
        "online": "En ligne",
        "unknown_place": "Lieu à préciser",
        "deadline": f"Date limite{NBSP}: {{date}}",
        "no_deadline": "Sans date limite",
        "closes_today": "clôture aujourd'hui",
        "closes_tomorrow": "clôture demain",
        "closes_in": f"clôture dans {{n}}{NBSP}jours",
        "opens": "Ouverture des dépôts le {date}",
        "funders": f"Financement{NBSP}: {{names}}",
        "amount": f"Montant{NBSP}: {{amount}}",
        "organisers": f"Organisation{NBSP}: {{names}}",
        "authors": f"Par{NBSP}: {{names}}",
        "published": "publié le {date}",
        "more_dates_one": "et 1 autre date",
        "more_dates_other": "et {n} autres dates",
        "more_calls_one": "… et 1 autre appel à projets.",
        "more_calls_other": "… et {n} autres appels à projets.",
        "more_events_one": "… et 1 autre événement.",
        "more_events_other": "… et {n} autres événements.",
        "more_resources_one": "… et 1 autre ressource.",
        "more_resources_other": "… et {n} autres ressources.",
        "read_more": "En savoir plus",
        "generated": "Lettre préparée le {date} avec rrma_core.",
        "range": "du {start} au {end}",
        "at": "{day}, {time}",
        "time_span": "{start} – {end}",
        "amount_range": "de {min} à {max}",
        "amount_max": "jusqu'à {max}",
        "amount_min": "à partir de {min}",
        "amount_rate": f"{{rate}}{NBSP}% du budget",
    },
    "en": {
        "title": "Newsletter — {workspace}",
        "calls": "Open calls for projects",
        "events": "Upcoming events",
        "resources": "New resources",
        "nothing": "Nothing new to relay for this period.",
        "week": "Week of {day}",
        "online": "Online",
        "unknown_place": "Venue to be confirmed",
        "deadline": "Deadline: {date}",
        "no_deadline": "No deadline",
        "closes_today": "closes today",
        "closes_tomorrow": "closes tomorrow",
        "closes_in": "closes in {n} days",
        "opens": "Opens on {date}",
        "funders": "Funded by: {names}",
        "amount": "Amount: {amount}",
        "organisers": "Organised by: {names}",
        "authors": "By: {names}",
        "published": "published on {date}",
        "more_dates_one": "and 1 more date",
        "more_dates_other": "and {n} more dates",
        "more_calls_one": "… and 1 more call for projects.",
        "more_calls_other": "… and {n} more calls for projects.",
        "more_events_one": "… and 1 more event.",
        "more_events_other": "… and {n} more events.",
        "more_resources_one": "… and 1 more resource.",
        "more_resources_other": "… and {n} more resources.",
        "read_more": "Read more",
        "generated": "Newsletter prepared on {date} with rrma_core.",
        "range": "from {start} to {end}",
        "at": "{day}, {time}",
        "time_span": "{start}–{end}",
        "amount_range": "{min} to {max}",
        "amount_max": "up to {max}",
        "amount_min": "from {min}",
        "amount_rate": "{rate}% of the budget",
    },
}

#: The languages the digest is written in; any other falls back to French.
LANGS: tuple[str, ...] = tuple(_STRINGS)

_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}


@dataclass(frozen=True)
class Catalogue:
    """The fixed strings and the date, time and amount formats of one language.

    Attributes:
        lang: ``"fr"`` or ``"en"``.
        strings: The fixed strings by key (what templates see as ``t``).
    """

    lang: str
    strings: Mapping[str, str]

    def __call__(self, key: str, **fields: object) -> str:
        """The string ``key`` with its ``{fields}`` filled."""
        text = self.strings[key]
        return text.format(**fields) if fields else text

    def plural(self, key: str, n: int, **fields: object) -> str:
        """The singular (``key_one``) or plural (``key_other``) form of ``key`` for ``n``."""
        return self(f"{key}_one" if n == 1 else f"{key}_other", n=n, **fields)

    def day(self, value: date, *, weekday: bool = False, year: bool = True) -> str:
        """``27 novembre 2026`` / ``27 November 2026``; ``1er`` in French for the first day.

        Args:
            value: The day.
            weekday: Start with the day's name (``vendredi 27 novembre 2026``).
            year: End with the year.
        """
        number = "1er" if value.day == 1 and self.lang == "fr" else str(value.day)
        text = f"{number} {MONTHS[self.lang][value.month - 1]}"
        if year:
            text += f" {value.year}"
        if weekday:
            text = f"{WEEKDAYS[self.lang][value.weekday()]} {text}"
        return text

    def time(self, value: time | datetime) -> str:
        """``18 h 30`` and ``9 h`` in French; ``18:30`` and ``09:00`` in English."""
        if self.lang == "fr":
            minutes = f"{NBSP}{value.minute:02d}" if value.minute else ""
            return f"{value.hour}{NBSP}h{minutes}"
        return f"{value.hour:02d}:{value.minute:02d}"

    def number(self, value: float) -> str:
        """``30 000`` / ``30,000``; two decimals only when there are cents."""
        whole = value == int(value)
        text = f"{value:,.0f}" if whole else f"{value:,.2f}"
        if self.lang == "fr":
            return text.replace(",", NBSP).replace(".", ",")
        return text

    def money(self, value: float, currency: str) -> str:
        """``30 000 €`` / ``€30,000``; other currencies by their code (``5 000 USD``)."""
        number = self.number(value)
        symbol = _SYMBOLS.get(currency)
        if self.lang == "en" and symbol:
            return f"{symbol}{number}"
        return f"{number}{NBSP}{symbol or currency}"


def catalogue(lang: str) -> Catalogue:
    """The catalogue of ``lang`` (``"en-GB"`` is English); French for any other language."""
    primary = lang.split("-")[0].lower()
    chosen = primary if primary in _STRINGS else "fr"
    return _CATALOGUES[chosen]


_CATALOGUES = {
    lang: Catalogue(lang, MappingProxyType(strings)) for lang, strings in _STRINGS.items()
}
