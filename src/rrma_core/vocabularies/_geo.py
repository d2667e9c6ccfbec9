"""French administrative geography: the 18 régions and 101 départements, with INSEE codes.

Codes are those of INSEE's Code officiel géographique (COG) for the 2016 map of the régions:
``"84"`` is Auvergne-Rhône-Alpes, ``"2A"`` is Corse-du-Sud, ``"971"`` is Guadeloupe. Each
région carries its IANA time zone, so that an event in La Réunion is not read as Paris time,
and the name of its RRMA network where one is known.

The helpers ``departement_of_commune``, ``region_of_departement`` and ``timezone_of_region``
work on plain strings and raise ``ValueError`` with a message that names the faulty code.
"""

from __future__ import annotations

import functools
import re
from types import MappingProxyType
from typing import Any

from rrma_core.vocabularies._core import Term, Vocabulary

__all__ = [
    "departement_of_commune",
    "departements",
    "region_of_departement",
    "regions",
    "timezone_of_region",
]

_PARIS = "Europe/Paris"

# code, French name, English name, IANA time zone, overseas, RRMA network (or None).
# Networks are those named in the project's domain notes; régions without a known one omit it.
_REGIONS: tuple[tuple[str, str, str, str, bool, str | None], ...] = (
    ("01", "Guadeloupe", "Guadeloupe", "America/Guadeloupe", True, "Cap Coopération"),
    ("02", "Martinique", "Martinique", "America/Martinique", True, None),
    ("03", "Guyane", "French Guiana", "America/Cayenne", True, None),
    ("04", "La Réunion", "Réunion", "Indian/Reunion", True, None),
    ("06", "Mayotte", "Mayotte", "Indian/Mayotte", True, None),
    ("11", "Île-de-France", "Île-de-France", _PARIS, False, None),
    ("24", "Centre-Val de Loire", "Centre-Val de Loire", _PARIS, False, "Centraider"),
    (
        "27",
        "Bourgogne-Franche-Comté",
        "Burgundy-Franche-Comté",
        _PARIS,
        False,
        "Bourgogne-Franche-Comté International",
    ),
    ("28", "Normandie", "Normandy", _PARIS, False, "Horizons Solidaires"),
    ("32", "Hauts-de-France", "Hauts-de-France", _PARIS, False, "Lianes Coopération"),
    ("44", "Grand Est", "Grand Est", _PARIS, False, "GESCOD"),
    (
        "52",
        "Pays de la Loire",
        "Pays de la Loire",
        _PARIS,
        False,
        "Pays de la Loire Coopération Internationale",
    ),
    ("53", "Bretagne", "Brittany", _PARIS, False, "Territoires Solidaires"),
    ("75", "Nouvelle-Aquitaine", "Nouvelle-Aquitaine", _PARIS, False, "So Coopération"),
    ("76", "Occitanie", "Occitania", _PARIS, False, "Occitanie Coopération"),
    ("84", "Auvergne-Rhône-Alpes", "Auvergne-Rhône-Alpes", _PARIS, False, "RESACOOP"),
    ("93", "Provence-Alpes-Côte d'Azur", "Provence-Alpes-Côte d'Azur", _PARIS, False, None),
    ("94", "Corse", "Corsica", _PARIS, False, None),
)

# code, official name (COG), région code. Ordered as INSEE orders them (2A and 2B after 19).
_DEPARTEMENTS: tuple[tuple[str, str, str], ...] = (
    ("01", "Ain", "84"),
    ("02", "Aisne", "32"),
    ("03", "Allier", "84"),
    ("04", "Alpes-de-Haute-Provence", "93"),
    ("05", "Hautes-Alpes", "93"),
    ("06", "Alpes-Maritimes", "93"),
    ("07", "Ardèche", "84"),
    ("08", "Ardennes", "44"),
    ("09", "Ariège", "76"),
    ("10", "Aube", "44"),
    ("11", "Aude", "76"),
    ("12", "Aveyron", "76"),
    ("13", "Bouches-du-Rhône", "93"),
    ("14", "Calvados", "28"),
    ("15", "Cantal", "84"),
    ("16", "Charente", "75"),
    ("17", "Charente-Maritime", "75"),
    ("18", "Cher", "24"),
    ("19", "Corrèze", "75"),
    ("2A", "Corse-du-Sud", "94"),
    ("2B", "Haute-Corse", "94"),
    ("21", "Côte-d'Or", "27"),
    ("22", "Côtes-d'Armor", "53"),
    ("23", "Creuse", "75"),
    ("24", "Dordogne", "75"),
    ("25", "Doubs", "27"),
    ("26", "Drôme", "84"),
    ("27", "Eure", "28"),
    ("28", "Eure-et-Loir", "24"),
    ("29", "Finistère", "53"),
    ("30", "Gard", "76"),
    ("31", "Haute-Garonne", "76"),
    ("32", "Gers", "76"),
    ("33", "Gironde", "75"),
    ("34", "Hérault", "76"),
    ("35", "Ille-et-Vilaine", "53"),
    ("36", "Indre", "24"),
    ("37", "Indre-et-Loire", "24"),
    ("38", "Isère", "84"),
    ("39", "Jura", "27"),
    ("40", "Landes", "75"),
    ("41", "Loir-et-Cher", "24"),
    ("42", "Loire", "84"),
    ("43", "Haute-Loire", "84"),
    ("44", "Loire-Atlantique", "52"),
    ("45", "Loiret", "24"),
    ("46", "Lot", "76"),
    ("47", "Lot-et-Garonne", "75"),
    ("48", "Lozère", "76"),
    ("49", "Maine-et-Loire", "52"),
    ("50", "Manche", "28"),
    ("51", "Marne", "44"),
    ("52", "Haute-Marne", "44"),
    ("53", "Mayenne", "52"),
    ("54", "Meurthe-et-Moselle", "44"),
    ("55", "Meuse", "44"),
    ("56", "Morbihan", "53"),
    ("57", "Moselle", "44"),
    ("58", "Nièvre", "27"),
    ("59", "Nord", "32"),
    ("60", "Oise", "32"),
    ("61", "Orne", "28"),
    ("62", "Pas-de-Calais", "32"),
    ("63", "Puy-de-Dôme", "84"),
    ("64", "Pyrénées-Atlantiques", "75"),
    ("65", "Hautes-Pyrénées", "76"),
    ("66", "Pyrénées-Orientales", "76"),
    ("67", "Bas-Rhin", "44"),
    ("68", "Haut-Rhin", "44"),
    ("69", "Rhône", "84"),
    ("70", "Haute-Saône", "27"),
    ("71", "Saône-et-Loire", "27"),
    ("72", "Sarthe", "52"),
    ("73", "Savoie", "84"),
    ("74", "Haute-Savoie", "84"),
    ("75", "Paris", "11"),
    ("76", "Seine-Maritime", "28"),
    ("77", "Seine-et-Marne", "11"),
    ("78", "Yvelines", "11"),
    ("79", "Deux-Sèvres", "75"),
    ("80", "Somme", "32"),
    ("81", "Tarn", "76"),
    ("82", "Tarn-et-Garonne", "76"),
    ("83", "Var", "93"),
    ("84", "Vaucluse", "93"),
    ("85", "Vendée", "52"),
    ("86", "Vienne", "75"),
    ("87", "Haute-Vienne", "75"),
    ("88", "Vosges", "44"),
    ("89", "Yonne", "27"),
    ("90", "Territoire de Belfort", "27"),
    ("91", "Essonne", "11"),
    ("92", "Hauts-de-Seine", "11"),
    ("93", "Seine-Saint-Denis", "11"),
    ("94", "Val-de-Marne", "11"),
    ("95", "Val-d'Oise", "11"),
    ("971", "Guadeloupe", "01"),
    ("972", "Martinique", "02"),
    ("973", "Guyane", "03"),
    ("974", "La Réunion", "04"),
    ("976", "Mayotte", "06"),
)

_REGION_TIMEZONE: dict[str, str] = {code: tz for code, _, _, tz, _, _ in _REGIONS}
_DEPARTEMENT_REGION: dict[str, str] = {code: region for code, _, region in _DEPARTEMENTS}

_COMMUNE_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$")


@functools.cache
def regions() -> Vocabulary:
    """The 18 régions of the 2016 map, coded by INSEE (``"53"`` is Bretagne).

    Each term's ``data`` holds ``timezone`` (an IANA zone name), ``overseas`` (a bool) and,
    for régions whose RRMA network is known, ``network`` (its name).

    Returns:
        The closed vocabulary ``"regions"``.
    """
    terms = []
    for code, fr, en, timezone, overseas, network in _REGIONS:
        data: dict[str, Any] = {"timezone": timezone, "overseas": overseas}
        if network is not None:
            data["network"] = network
        terms.append(
            Term(code, MappingProxyType({"fr": fr, "en": en}), data=MappingProxyType(data))
        )
    return Vocabulary(
        "regions",
        terms,
        title={"fr": "Régions (carte de 2016)", "en": "Regions (2016 map)"},
    )


@functools.cache
def departements() -> Vocabulary:
    """The 101 départements, coded by INSEE (``"01"``…``"95"``, ``"2A"``, ``"2B"``, ``"971"``…).

    Départements have no English names, so both labels hold the official French name. Each
    term's ``data`` holds ``region`` (the INSEE code of its région) and ``timezone``.

    Returns:
        The closed vocabulary ``"departements"``.
    """
    return Vocabulary(
        "departements",
        (
            Term(
                code,
                MappingProxyType({"fr": name, "en": name}),
                data=MappingProxyType({"region": region, "timezone": _REGION_TIMEZONE[region]}),
            )
            for code, name, region in _DEPARTEMENTS
        ),
        title={"fr": "Départements", "en": "Départements"},
    )


def departement_of_commune(code: str) -> str:
    """The département of a commune, from its INSEE code.

    Overseas communes (``"97xxx"``, ``"98xxx"``) belong to the three-character département
    their code starts with; Corsican ones to ``"2A"`` or ``"2B"``; others to their first two
    characters. Surrounding spaces are ignored and ``"2a"`` is read as ``"2A"``.

    Args:
        code: A five-character INSEE commune code, such as ``"75056"`` or ``"2A004"``.

    Returns:
        The département's INSEE code, such as ``"75"`` or ``"2A"``.

    Raises:
        ValueError: if ``code`` is not shaped like a commune code, or if the département it
            points to is not one of the 101 (``"20xxx"``, ``"975xx"``, ``"987xx"``...).

    Example:
        >>> departement_of_commune("97105")
        '971'
    """
    cleaned = code.strip().upper()
    if not _COMMUNE_CODE.match(cleaned):
        raise ValueError(
            f"{code!r} is not an INSEE commune code "
            "(expected 5 digits, or 2A/2B and 3 digits for Corsica)"
        )
    departement = cleaned[:3] if cleaned.startswith(("97", "98")) else cleaned[:2]
    if departement not in _DEPARTEMENT_REGION:
        hint = " (Corsican communes are coded 2A or 2B)" if departement == "20" else ""
        raise ValueError(
            f"commune code {code!r} is in {departement}, which is not one of the "
            f"101 départements{hint}"
        )
    return departement


def region_of_departement(code: str) -> str:
    """The INSEE code of the région a département belongs to.

    Args:
        code: A département's INSEE code (``"35"``, ``"2A"``, ``"974"``).

    Returns:
        The région's INSEE code (``"53"``, ``"94"``, ``"04"``).

    Raises:
        ValueError: if ``code`` is not one of the 101 départements.

    Example:
        >>> region_of_departement("2A")
        '94'
    """
    try:
        return _DEPARTEMENT_REGION[code.strip().upper()]
    except KeyError:
        raise ValueError(
            f"{code!r} is not one of the 101 départements "
            "(codes have 2 or 3 characters: '01', '2A', '971')"
        ) from None


def timezone_of_region(code: str) -> str:
    """The IANA time zone of a région.

    Args:
        code: A région's INSEE code (``"11"``, ``"04"``).

    Returns:
        The zone name, ready for ``zoneinfo.ZoneInfo`` (``"Europe/Paris"``, ``"Indian/Reunion"``).

    Raises:
        ValueError: if ``code`` is not one of the 18 régions.

    Example:
        >>> timezone_of_region("03")
        'America/Cayenne'
    """
    try:
        return _REGION_TIMEZONE[code.strip()]
    except KeyError:
        known = ", ".join(_REGION_TIMEZONE)
        raise ValueError(f"{code!r} is not one of the 18 régions (known: {known})") from None
