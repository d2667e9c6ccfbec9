"""The programme's layout: the fields a row can hold and the French headers that name them.

Every field has a key (``title``, ``start_time``...), the header the exporter writes
(``Titre``, ``Heure de début``...) and the other headers organisers use for it. Headers are
compared without case, accents, punctuation, spacing or a trailing note in parentheses, so
``HEURE DE DÉBUT (hh:mm) *`` is ``Heure de début``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

__all__ = ["COLUMNS", "Column", "Layout", "header_key"]


@dataclass(frozen=True, slots=True)
class Column:
    """One field of a programme row.

    Attributes:
        field: The field's key, used in the ``columns`` option (``"start_time"``).
        header: The header the exporter writes (``"Heure de début"``).
        aliases: Other headers read as this field.
        description: What the field holds, for the documentation.
    """

    field: str
    header: str
    aliases: tuple[str, ...] = ()
    description: str = ""


#: The default layout, in the order the exporter writes it.
COLUMNS: tuple[Column, ...] = (
    Column(
        "title",
        "Titre",
        (
            "titre de l'animation",
            "titre de l'événement",
            "titre de la séance",
            "intitulé",
            "nom de l'animation",
            "nom de l'événement",
        ),
        "The event's title (required).",
    ),
    Column(
        "date",
        "Date",
        ("date de début", "jour", "date de la séance", "date de l'animation"),
        "Its day (required).",
    ),
    Column(
        "start_time",
        "Heure de début",
        ("heure début", "heure de debut", "début", "heure", "horaire", "horaires"),
        "When it starts; empty for an all-day event.",
    ),
    Column("end_time", "Heure de fin", ("heure fin", "fin"), "When it ends."),
    Column(
        "end_date", "Date de fin", ("jusqu'au",), "Its last day, for an event over several days."
    ),
    Column(
        "venue",
        "Lieu",
        ("nom du lieu", "salle", "lieu de l'animation", "lieu de la séance"),
        "The venue's name.",
    ),
    Column("street", "Adresse", ("adresse du lieu", "rue", "adresse postale"), "Its street."),
    Column("postal_code", "Code postal", ("cp",), "Its postal code."),
    Column(
        "city",
        "Commune",
        ("ville", "localité"),
        "Its commune: a name, a postal code or an INSEE code.",
    ),
    Column("insee", "Code INSEE", ("code commune", "insee", "code insee commune"), ""),
    Column(
        "organiser",
        "Organisateur",
        (
            "organisateurs",
            "organisatrice",
            "organisateur·rice",
            "organisateur·ice",
            "organisateur(s)",
            "structure organisatrice",
            "structures organisatrices",
            "organisé par",
            "structure",
        ),
        "Who organises it; several separated by « ; » or line breaks.",
    ),
    Column("siret", "SIRET", ("n° siret", "numéro siret", "siret de la structure"), ""),
    Column("rna", "RNA", ("n° rna", "numéro rna", "numéro d'association"), ""),
    Column("actor_type", "Type de structure", ("type d'organisation", "type d'organisme"), ""),
    Column(
        "kind",
        "Type d'animation",
        ("type", "format", "type d'événement", "forme", "type de séance"),
        "Projection-débat, conférence, atelier, animation scolaire...",
    ),
    Column("audience", "Public", ("publics", "public visé", "public cible"), ""),
    Column("film", "Film", ("titre du film", "film projeté", "film diffusé"), ""),
    Column("price", "Tarif", ("tarifs", "prix", "entrée"), ""),
    Column("status", "Statut", ("état",), "Annulé, reporté, complet..."),
    Column(
        "description",
        "Description",
        ("présentation", "résumé", "descriptif"),
        "",
    ),
    Column("keywords", "Mots-clés", ("mots clés", "tags", "étiquettes"), ""),
    Column("url", "Lien", ("site", "site web", "url", "lien web", "page web", "plus d'infos"), ""),
    Column(
        "registration_url",
        "Lien d'inscription",
        ("inscription", "réservation", "lien de réservation", "billetterie"),
        "",
    ),
    Column(
        "contact",
        "Contact",
        ("contact organisateur", "contact de l'organisateur", "courriel de contact"),
        "Read only for a generic address of a new organiser (see the docs).",
    ),
)

_FIELDS: dict[str, Column] = {column.field: column for column in COLUMNS}


def header_key(text: str) -> str:
    """A header as compared: no case, accents, punctuation, notes in parentheses or spaces.

    Example:
        >>> header_key("  HEURE DE DÉBUT (hh:mm) * ")
        'heure de debut'
        >>> header_key("Type d’animation")
        'type d animation'
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    folded = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", folded)
    return " ".join("".join(c if c.isalnum() else " " for c in folded).split())


class Layout:
    """Which headers name which field, after a source's ``columns`` option.

    Args:
        overrides: Field key (or its default French header) to the header text, or to a
            list of header texts, that name it in this programme. They replace the default
            headers of that field; an empty text turns the field off.

    Raises:
        ValueError: for a key that names no field (the message lists the fields).
    """

    def __init__(self, overrides: Mapping[str, str | Sequence[str]] | None = None) -> None:
        headers: dict[str, list[str]] = {
            column.field: [column.header, *column.aliases] for column in COLUMNS
        }
        self.written: dict[str, str] = {column.field: column.header for column in COLUMNS}
        for key, value in (overrides or {}).items():
            field = resolve_field(key)
            texts = [value] if isinstance(value, str) else list(value)
            texts = [t for t in texts if t.strip()]
            headers[field] = texts
            if texts:
                self.written[field] = texts[0].strip()
            else:
                self.written.pop(field, None)
        self._by_key: dict[str, str] = {}
        for field, texts in headers.items():
            for text in texts:
                self._by_key.setdefault(header_key(text), field)
        self.enabled = [column.field for column in COLUMNS if headers[column.field]]

    def field_of(self, header: str) -> str | None:
        """The field a header names, or ``None``."""
        key = header_key(header)
        return self._by_key.get(key) if key else None

    def expected(self, fields: Iterable[str] | None = None) -> list[str]:
        """The headers written for ``fields`` (default: every enabled field)."""
        chosen = self.enabled if fields is None else list(fields)
        return [self.written[f] for f in chosen if f in self.written]


def resolve_field(key: str) -> str:
    """The field key named by ``key``: a key (``start_time``) or a header (``Heure de début``).

    Raises:
        ValueError: listing the known field keys.
    """
    if key in _FIELDS:
        return key
    wanted = header_key(key)
    for column in COLUMNS:
        names = (column.field.replace("_", " "), column.header, *column.aliases)
        if wanted in {header_key(name) for name in names}:
            return column.field
    known = ", ".join(column.field for column in COLUMNS)
    raise ValueError(f"unknown column {key!r} (fields: {known})")


def column(field: str) -> Column:
    """The column of ``field``."""
    return _FIELDS[field]
