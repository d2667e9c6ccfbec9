"""Countries, coded by ISO 3166-1 alpha-2, from the ``pycountry`` package.

English labels are the short common name where ISO gives one (``"Bolivia"`` rather than
``"Bolivia, Plurinational State of"``). French labels come from the ISO 3166-1 translations
that ``pycountry`` ships, of the same name (``"Sénégal"``, ``"Côte d'Ivoire"``, ``"Bolivie"``).

Building the 249 terms reads the translation catalogue, so it happens on first use and is
cached.
"""

from __future__ import annotations

import functools
import gettext
from types import MappingProxyType
from typing import Any

import pycountry

from rrma_core.vocabularies._core import Term, Vocabulary

__all__ = ["countries"]


def _french_label(country: Any, translations: gettext.NullTranslations) -> str:
    """The French name of a pycountry country: its common name's translation if it has one.

    Every common name in pycountry's data has a French entry ("Iran" stays "Iran", "Laos"
    stays "Laos"), so the translation of the common name is used as is.
    """
    common: str | None = getattr(country, "common_name", None)
    return translations.gettext(common if common is not None else str(country.name))


@functools.cache
def countries() -> Vocabulary:
    """Every ISO 3166-1 country, coded by its alpha-2 code (``"SN"`` is Senegal).

    Each term's ``data`` holds ``alpha3`` (``"SEN"``) and ``numeric`` (``"686"``, a string
    that keeps its leading zeros).

    Returns:
        The closed vocabulary ``"countries"``, in alpha-2 order.
    """
    french = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    terms = []
    for country in sorted(pycountry.countries, key=lambda c: str(c.alpha_2)):
        english = getattr(country, "common_name", None) or country.name
        terms.append(
            Term(
                str(country.alpha_2),
                MappingProxyType({"fr": _french_label(country, french), "en": str(english)}),
                data=MappingProxyType(
                    {"alpha3": str(country.alpha_3), "numeric": str(country.numeric)}
                ),
            )
        )
    return Vocabulary(
        "countries",
        terms,
        title={"fr": "Pays (ISO 3166-1)", "en": "Countries (ISO 3166-1)"},
    )
