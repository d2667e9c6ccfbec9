"""Month and weekday names, in French and English, for reading and writing dates.

Written dates never depend on the system locale: exporters, reports and connectors use
these names instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["FRENCH_MONTH_NUMBERS", "MONTHS", "WEEKDAYS"]

MONTHS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "fr": (
            "janvier", "février", "mars", "avril", "mai", "juin",
            "juillet", "août", "septembre", "octobre", "novembre", "décembre",
        ),
        "en": (
            "January", "February", "March", "April", "May", "June",
            "July", "August", "September", "October", "November", "December",
        ),
    }
)  # fmt: skip
"""Month names by language (``"fr"``, ``"en"``), January first."""

WEEKDAYS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
        "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    }
)
"""Weekday names by language, Monday first (the order of ``date.weekday()``)."""

FRENCH_MONTH_NUMBERS: Mapping[str, int] = MappingProxyType(
    {
        "janvier": 1, "janv": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3,
        "avril": 4, "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "aout": 8,
        "septembre": 9, "sept": 9, "octobre": 10, "oct": 10, "novembre": 11, "nov": 11,
        "decembre": 12, "dec": 12,
    }
)  # fmt: skip
"""French month names and the abbreviations people write, folded (no accents, lower case),
to the month's number: for reading dates in French text."""
