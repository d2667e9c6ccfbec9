"""Continents of intervention: each ISO 3166-1 alpha-2 country code and its continent.

The table follows the regions of the UN statistics division's M49 standard (Africa, Americas,
Asia, Europe, Oceania), grouped here by M49 sub-region so that it can be checked against the
standard line by line. Antarctica (``AQ``), which M49 puts in no region, is a sixth group.
Taiwan (``TW``), which M49 does not list, is in Eastern Asia as its geography says.

Example:
    >>> continent_of("SN"), continent_label("africa", "fr")
    ('africa', 'Afrique')
    >>> continent_of("gf")  # French Guiana is in South America
    'americas'
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["CONTINENTS", "CONTINENT_OF", "continent_label", "continent_of"]

#: The continents, in the order reports list them, with their French and English labels.
CONTINENTS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "africa": MappingProxyType({"fr": "Afrique", "en": "Africa"}),
        "americas": MappingProxyType({"fr": "Amériques", "en": "Americas"}),
        "asia": MappingProxyType({"fr": "Asie", "en": "Asia"}),
        "europe": MappingProxyType({"fr": "Europe", "en": "Europe"}),
        "oceania": MappingProxyType({"fr": "Océanie", "en": "Oceania"}),
        "antarctica": MappingProxyType({"fr": "Antarctique", "en": "Antarctica"}),
    }
)

# M49 sub-regions, each a line of alpha-2 codes.
_M49: dict[str, dict[str, str]] = {
    "africa": {
        "Northern Africa": "DZ EG EH LY MA SD TN",
        "Eastern Africa": "BI DJ ER ET IO KE KM MG MU MW MZ RE RW SC SO SS TF TZ UG YT ZM ZW",
        "Middle Africa": "AO CD CF CG CM GA GQ ST TD",
        "Southern Africa": "BW LS NA SZ ZA",
        "Western Africa": "BF BJ CI CV GH GM GN GW LR ML MR NE NG SH SL SN TG",
    },
    "americas": {
        "Caribbean": (
            "AG AI AW BB BL BQ BS CU CW DM DO GD GP HT JM KN KY LC MF MQ MS PR SX TC TT VC VG VI"
        ),
        "Central America": "BZ CR GT HN MX NI PA SV",
        "South America": "AR BO BR BV CL CO EC FK GF GS GY PE PY SR UY VE",
        "Northern America": "BM CA GL PM US",
    },
    "asia": {
        "Central Asia": "KG KZ TJ TM UZ",
        "Eastern Asia": "CN HK JP KP KR MN MO TW",
        "South-eastern Asia": "BN ID KH LA MM MY PH SG TH TL VN",
        "Southern Asia": "AF BD BT IN IR LK MV NP PK",
        "Western Asia": "AE AM AZ BH CY GE IL IQ JO KW LB OM PS QA SA SY TR YE",
    },
    "europe": {
        "Eastern Europe": "BG BY CZ HU MD PL RO RU SK UA",
        "Northern Europe": "AX DK EE FI FO GB GG IE IM IS JE LT LV NO SE SJ",
        "Southern Europe": "AD AL BA ES GI GR HR IT ME MK MT PT RS SI SM VA",
        "Western Europe": "AT BE CH DE FR LI LU MC NL",
    },
    "oceania": {
        "Australia and New Zealand": "AU CC CX HM NF NZ",
        "Melanesia": "FJ NC PG SB VU",
        "Micronesia": "FM GU KI MH MP NR PW UM",
        "Polynesia": "AS CK NU PF PN TK TO TV WF WS",
    },
    "antarctica": {"Antarctica": "AQ"},
}

#: ``{"SN": "africa", "FR": "europe", ...}``: the continent of every ISO 3166-1 country.
CONTINENT_OF: Mapping[str, str] = MappingProxyType(
    {
        code: continent
        for continent, subregions in _M49.items()
        for codes in subregions.values()
        for code in codes.split()
    }
)


def continent_of(country: str) -> str | None:
    """The continent code (``"africa"``...) of an alpha-2 country code, ``None`` if unknown."""
    return CONTINENT_OF.get(country.upper())


def continent_label(continent: str, lang: str = "fr") -> str:
    """The label of a continent code in ``lang`` (``"fr"`` or ``"en"``); the code if unknown."""
    labels = CONTINENTS.get(continent)
    if labels is None:
        return continent
    return labels.get(lang) or labels["fr"]
