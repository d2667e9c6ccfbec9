"""Field types shared by the models: text, URLs, identifiers, places and vocabulary codes.

Each type is an ``Annotated`` alias, so it validates (and normalises) a value wherever it is
used, and gives each refusal a reason a person can read.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, BeforeValidator, Field, PlainSerializer

from rrma_core.vocabularies._core import current_registry
from rrma_core.vocabularies._geo import departement_of_commune

__all__ = [
    "RNA",
    "SDG",
    "SIREN",
    "SIRET",
    "CommuneCode",
    "CountryCode",
    "DateOrDateTime",
    "DepartementCode",
    "HttpURL",
    "PostalCode",
    "RegionCode",
    "SectorCode",
    "TrainingThemeCode",
    "vocabulary_code",
]

# --- URLs ------------------------------------------------------------------------------------


_SPACE = re.compile(r"\s")


def _check_http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme.lower() not in {"http", "https"}:
        raise ValueError(f"URL {value!r} must start with http:// or https://")
    if not parts.hostname:
        raise ValueError(f"URL {value!r} has no host")
    if _SPACE.search(value):
        raise ValueError(f"URL {value!r} contains white space")
    return value


#: An absolute http(s) URL, kept as the string it was given.
HttpURL = Annotated[
    str,
    AfterValidator(_check_http_url),
    Field(json_schema_extra={"format": "uri"}, max_length=4096),
]

# --- Identifiers -----------------------------------------------------------------------------


def _digits_only(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return re.sub(r"[\s.\u00a0-]", "", value)
    return value


def luhn_valid(number: str) -> bool:
    """Whether a string of digits satisfies the Luhn check (used by SIREN and SIRET)."""
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def _check_siren(value: str) -> str:
    if not re.fullmatch(r"\d{9}", value):
        raise ValueError(f"SIREN {value} must be 9 digits")
    if not luhn_valid(value):
        raise ValueError(f"SIREN {value} fails its check digit")
    return value


_LA_POSTE_SIREN = "356000000"


def _check_siret(value: str) -> str:
    if not re.fullmatch(r"\d{14}", value):
        raise ValueError(f"SIRET {value} must be 14 digits")
    if value.startswith(_LA_POSTE_SIREN) and not luhn_valid(value):
        # La Poste's establishments are numbered outside the Luhn rule (its head office is
        # not): INSEE checks instead that the sum of the digits is a multiple of 5.
        if sum(int(c) for c in value) % 5 != 0:
            raise ValueError(
                f"SIRET {value} fails La Poste's check (sum of digits not a multiple of 5)"
            )
        return value
    if not luhn_valid(value):
        raise ValueError(f"SIRET {value} fails its check digit")
    if not luhn_valid(value[:9]):
        raise ValueError(
            f"SIRET {value} starts with SIREN {value[:9]}, which fails its check digit"
        )
    return value


def _check_rna(value: str) -> str:
    value = value.upper()
    if not re.fullmatch(r"W(\d{9}|2[AB]\d{7})", value):
        raise ValueError(
            f"RNA number {value!r} must be W followed by 9 digits (such as W751234567)"
        )
    return value


#: A SIREN (9 digits, Luhn key); spaces and dots are removed first.
SIREN = Annotated[str, BeforeValidator(_digits_only), AfterValidator(_check_siren)]
#: A SIRET (14 digits, Luhn key; La Poste's own rule for its establishments).
SIRET = Annotated[str, BeforeValidator(_digits_only), AfterValidator(_check_siret)]
#: An association's number in the Répertoire national des associations: ``W`` + 9 digits.
RNA = Annotated[str, AfterValidator(_check_rna)]

# --- Geography -------------------------------------------------------------------------------


def _pad_code(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str):
        value = value.strip().upper()
        if value.isdigit() and len(value) == 1:
            value = "0" + value
    return value


def _check_departement(value: str) -> str:
    if value not in current_registry().get("departements"):
        raise ValueError(f"unknown département code {value!r} (INSEE codes such as 01, 2A, 974)")
    return value


def _check_region(value: str) -> str:
    if value not in current_registry().get("regions"):
        raise ValueError(
            f"unknown région code {value!r} (INSEE codes of the 18 regions, such as 84)"
        )
    return value


def _check_commune(value: str) -> str:
    departement_of_commune(value)  # raises ValueError with a clear message
    return value


def _check_postal_code(value: str) -> str:
    if not re.fullmatch(r"\d{5}", value):
        raise ValueError(f"postal code {value!r} must be 5 digits")
    return value


def _check_country(value: str) -> str:
    if value not in current_registry().get("countries"):
        raise ValueError(f"unknown country code {value!r} (ISO 3166-1 alpha-2, such as SN)")
    return value


def _upper(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


#: INSEE code of a département: ``01``…``95``, ``2A``, ``2B``, ``971``…``976`` (101 in all).
DepartementCode = Annotated[str, BeforeValidator(_pad_code), AfterValidator(_check_departement)]
#: INSEE code of one of the 18 regions (2016 map), such as ``84`` or ``04``.
RegionCode = Annotated[str, BeforeValidator(_pad_code), AfterValidator(_check_region)]
#: INSEE code of a commune: 5 characters, ``2A``/``2B`` for Corsica (not a postal code).
CommuneCode = Annotated[
    str, BeforeValidator(_upper), AfterValidator(_check_commune), Field(min_length=5, max_length=5)
]
#: A French postal code (5 digits).
PostalCode = Annotated[str, BeforeValidator(_digits_only), AfterValidator(_check_postal_code)]
#: ISO 3166-1 alpha-2 country code, upper-cased (``sn`` becomes ``SN``).
CountryCode = Annotated[str, BeforeValidator(_upper), AfterValidator(_check_country)]

# --- Vocabulary codes ------------------------------------------------------------------------


def vocabulary_code(vocabulary: str, what: str) -> Callable[[str], str]:
    """A validator accepting a code, or a label, of the named vocabulary in the current registry.

    ``what`` names the thing in error messages ("sector", "training theme"...).
    """

    def check(value: str) -> str:
        vocab = current_registry().get(vocabulary)
        if value in vocab:
            return value
        code = vocab.normalize(value)
        if code is None:
            raise ValueError(f"unknown {what} {value!r} (not in the vocabulary {vocabulary!r})")
        return code

    return check


#: A code of the ``sectors`` vocabulary (extendable by plugins); labels are accepted too.
SectorCode = Annotated[
    str,
    AfterValidator(vocabulary_code("sectors", "sector")),
    Field(json_schema_extra={"x-vocabulary": "sectors"}),
]
#: A code of the ``training_themes`` vocabulary (extendable by plugins).
TrainingThemeCode = Annotated[
    str,
    AfterValidator(vocabulary_code("training_themes", "training theme")),
    Field(json_schema_extra={"x-vocabulary": "training_themes"}),
]


def _parse_sdg(value: Any) -> Any:
    if isinstance(value, str):
        match = re.fullmatch(r"\s*(?:odd|sdg|objectif|goal)?\s*[-#n°]*\s*(\d{1,2})\s*", value, re.I)
        if match is None:
            raise ValueError(f"unknown SDG {value!r}: SDGs are numbered 1 to 17")
        value = int(match.group(1))
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"unknown SDG {value!r}: SDGs are numbered 1 to 17")
    if not 1 <= value <= 17:
        raise ValueError(f"unknown SDG {value}: SDGs are numbered 1 to 17")
    return value


#: A Sustainable Development Goal (ODD), 1 to 17; ``"ODD 6"`` and ``"SDG6"`` are read as 6.
SDG = Annotated[
    int,
    BeforeValidator(_parse_sdg),
    Field(json_schema_extra={"x-vocabulary": "sdg", "minimum": 1, "maximum": 17}),
]

# --- Dates -----------------------------------------------------------------------------------


def _check_aware_or_date(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(
                f"{value.isoformat()} has no time zone: give an offset or a date without a time"
            )
        return value
    if isinstance(value, date):
        return value
    raise ValueError(f"{value!r} is neither a date nor a date-time")


def _parse_date_or_datetime(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        # A bare number is a spreadsheet serial or a timestamp: too ambiguous to guess.
        raise ValueError(f"{value!r} is a number, not an ISO 8601 date or date-time")
    if isinstance(value, str):
        text = value.strip()
        try:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                return date.fromisoformat(text)
            return datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"{value!r} is not an ISO 8601 date or date-time") from None
    return value


def _date_or_datetime_key(value: date | datetime) -> str:
    return value.isoformat()


#: A calendar date, or a timezone-aware date-time (a deadline "le 15 janvier" or "à 12h").
DateOrDateTime = Annotated[
    date | datetime,
    BeforeValidator(_parse_date_or_datetime),
    AfterValidator(_check_aware_or_date),
    PlainSerializer(_date_or_datetime_key, return_type=str, when_used="json"),
]


def finite(value: float) -> float:
    """Refuse NaN and infinities, which JSON cannot carry."""
    if math.isnan(value) or math.isinf(value):
        raise ValueError(f"{value} is not a finite number")
    return value
