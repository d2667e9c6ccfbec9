"""Vocabularies: named sets of coded terms with French and English labels."""

from __future__ import annotations

import contextlib
import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from rrma_core.errors import ConfigError, UnknownVocabulary, VocabularyConflict

__all__ = [
    "LANGUAGES",
    "Term",
    "Vocabulary",
    "VocabularyRegistry",
    "check_lang",
    "current_registry",
    "use_registry",
]

LANGUAGES: tuple[str, ...] = ("fr", "en")
"""The languages every built-in label exists in. French comes first: it is the default."""


def check_lang(lang: str) -> str:
    """``lang`` if labels, charts, reports and indicators are written in it.

    Example:
        >>> check_lang("en")
        'en'

    Raises:
        ConfigError: for another language (naming it).
    """
    if lang not in LANGUAGES:
        raise ConfigError(f"unknown language {lang!r}: texts are in French or English (fr, en)")
    return lang


def fold(text: str) -> str:
    """Lower-case ``text`` and strip its accents, for tolerant matching."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip()


@dataclass(frozen=True, slots=True)
class Term:
    """One entry of a vocabulary.

    Attributes:
        code: The stable code stored in records (``"75"``, ``"eau"``, ``"FR"``...).
        labels: Its label per language; ``"fr"`` and ``"en"`` for every built-in term.
        parent: The code of a broader term in the same vocabulary, if any.
        keywords: Lower-case words or phrases that point to this term in free text
            (used by connectors that map a feed's text to themes).
        data: Facts attached to the term, such as a région's time zone or a campaign's organiser.
    """

    code: str
    labels: Mapping[str, str]
    parent: str | None = None
    keywords: tuple[str, ...] = ()
    data: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def label(self, lang: str = "fr") -> str:
        """The label in ``lang``, else in French, else the code itself."""
        return self.labels.get(lang) or self.labels.get("fr") or self.code


class Vocabulary:
    """A named, ordered set of [`Term`][rrma_core.vocabularies.Term]s.

    A vocabulary is immutable; [`extended`][rrma_core.vocabularies.Vocabulary.extended] returns
    a new one with more terms, which is how plugins add their own sectors or themes to an
    ``extendable`` vocabulary.

    Example:
        >>> from rrma_core.vocabularies import get_vocabulary
        >>> sdg = get_vocabulary("sdg")
        >>> sdg.label("6", "en")
        'Clean water and sanitation'
    """

    def __init__(
        self,
        name: str,
        terms: Iterable[Term],
        *,
        title: Mapping[str, str] | None = None,
        extendable: bool = False,
        provider: str = "rrma_core",
    ) -> None:
        self.name = name
        self.title: Mapping[str, str] = MappingProxyType(dict(title or {"fr": name, "en": name}))
        self.extendable = extendable
        self.provider = provider
        ordered: dict[str, Term] = {}
        for term in terms:
            if term.code in ordered:
                raise VocabularyConflict(f"vocabulary {name!r} lists the code {term.code!r} twice")
            ordered[term.code] = term
        self._terms: Mapping[str, Term] = MappingProxyType(ordered)
        self._folded = {fold(code): code for code in ordered}
        self._index: dict[str, list[tuple[str, str]]] | None = None
        for missing_parent in {t.parent for t in ordered.values() if t.parent} - set(ordered):
            raise VocabularyConflict(
                f"vocabulary {name!r} has a term whose parent {missing_parent!r} is not in it"
            )

    def __repr__(self) -> str:
        return f"<Vocabulary {self.name!r}: {len(self)} terms>"

    def __len__(self) -> int:
        return len(self._terms)

    def __iter__(self) -> Iterator[Term]:
        return iter(self._terms.values())

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._terms

    def __getitem__(self, code: str) -> Term:
        try:
            return self._terms[code]
        except KeyError:
            raise KeyError(f"{code!r} is not in the vocabulary {self.name!r}") from None

    def get(self, code: str) -> Term | None:
        """The term with this code, or ``None``."""
        return self._terms.get(code)

    def codes(self) -> list[str]:
        """Every code, in the vocabulary's order."""
        return list(self._terms)

    def label(self, code: str, lang: str = "fr") -> str:
        """The label of ``code`` in ``lang`` (French by default)."""
        return self[code].label(lang)

    def normalize(self, value: str) -> str | None:
        """The code that ``value`` names, tolerant of case, accents and spacing.

        ``value`` may be a code or a label in any language. Returns ``None`` when nothing
        matches: the caller decides whether that is an error.
        """
        key = fold(value)
        if key in self._folded:
            return self._folded[key]
        for term in self._terms.values():
            if any(fold(label) == key for label in term.labels.values()):
                return term.code
        return None

    def match(self, text: str) -> list[str]:
        """Codes whose keywords or labels occur in free ``text``, in vocabulary order.

        Case, accents and punctuation are ignored, and keywords match whole words. The text
        is folded and split into words once, and only the keywords whose first word occurs
        in it are checked (a feed of 5,000 entries calls this 10,000 times).
        """
        return self.match_words(_text_words(text))

    def match_words(self, words: str) -> list[str]:
        """[`match`][rrma_core.vocabularies.Vocabulary.match] for a text already folded
        (lower case, no accents) and reduced to its words separated by single spaces.

        A connector that folds its text once, for its own reading too, matches it against
        several vocabularies without folding it again.
        """
        phrase = words
        haystack = f" {phrase} "
        index = self._first_words()
        found: set[str] = set()
        for word in set(phrase.split(" ")) & index.keys():
            for needle, code in index[word]:
                if code not in found and (needle == word or f" {needle} " in haystack):
                    found.add(code)
        return [code for code in self._terms if code in found]

    def _first_words(self) -> dict[str, list[tuple[str, str]]]:
        """Every keyword and label, as single-spaced folded words, by its first word."""
        if self._index is None:
            index: dict[str, list[tuple[str, str]]] = {}
            for term in self._terms.values():
                for needle in (*term.keywords, *term.labels.values()):
                    words = _words(fold(needle))
                    if words:
                        index.setdefault(words.split(" ", 1)[0], []).append((words, term.code))
            self._index = index
        return self._index

    def extended(self, terms: Iterable[Term], *, provider: str) -> Vocabulary:
        """A new vocabulary with ``terms`` added after the existing ones.

        Raises:
            VocabularyConflict: if this vocabulary is not extendable, or a new term reuses an
                existing code with other labels.
        """
        if not self.extendable:
            raise VocabularyConflict(
                f"{provider} tries to add terms to the vocabulary {self.name!r}, "
                "which is closed (its codes are fixed)"
            )
        merged = dict(self._terms)
        for term in terms:
            existing = merged.get(term.code)
            if existing is not None and existing != term:
                raise VocabularyConflict(
                    f"{provider} redefines the term {term.code!r} of vocabulary {self.name!r}"
                )
            merged[term.code] = term
        return Vocabulary(
            self.name,
            merged.values(),
            title=self.title,
            extendable=True,
            provider=self.provider,
        )


_ALNUM_RUN = re.compile(r"[^\W_]+")


@functools.lru_cache(maxsize=256)
def _text_words(text: str) -> str:
    """A text's folded words: cached, as one text is often matched against several
    vocabularies in a row (sectors, then SDGs)."""
    return _words(fold(text))


def _words(text: str) -> str:
    """``text`` as single-spaced words, punctuation (apostrophes, hyphens) turned to spaces."""
    return " ".join(_ALNUM_RUN.findall(text))


def enum_terms(enum: type[StrEnum], labels: Mapping[StrEnum, tuple[str, str]]) -> list[Term]:
    """Terms for every member of a closed ``StrEnum``, from ``(french, english)`` labels."""
    missing = [m for m in enum if m not in labels]
    if missing:
        raise VocabularyConflict(f"{enum.__name__} members without labels: {missing}")
    return [Term(m.value, MappingProxyType({"fr": labels[m][0], "en": labels[m][1]})) for m in enum]


class VocabularyRegistry:
    """The vocabularies in force: the built-in ones plus what plugins add.

    Model validation looks codes up in the *current* registry (see
    [`use_registry`][rrma_core.vocabularies.use_registry]), so a workspace whose plugins add
    sectors validates records against those sectors too.
    """

    def __init__(self, vocabularies: Iterable[Vocabulary] = ()) -> None:
        self._vocabularies: dict[str, Vocabulary] = {}
        for vocabulary in vocabularies:
            self.register(vocabulary)

    def __contains__(self, name: object) -> bool:
        return name in self._vocabularies

    def __iter__(self) -> Iterator[Vocabulary]:
        return iter(self._vocabularies.values())

    def names(self) -> list[str]:
        """The names of the registered vocabularies, sorted."""
        return sorted(self._vocabularies)

    def get(self, name: str) -> Vocabulary:
        """The vocabulary called ``name``.

        Raises:
            UnknownVocabulary: when there is none; the message lists the known names.
        """
        try:
            return self._vocabularies[name]
        except KeyError:
            known = ", ".join(self.names())
            raise UnknownVocabulary(f"no vocabulary named {name!r} (known: {known})") from None

    def register(self, vocabulary: Vocabulary) -> None:
        """Add a new vocabulary.

        Raises:
            VocabularyConflict: when one with that name is already registered, naming both
                providers.
        """
        existing = self._vocabularies.get(vocabulary.name)
        if existing is not None:
            raise VocabularyConflict(
                f"vocabulary {vocabulary.name!r} is provided by both "
                f"{existing.provider} and {vocabulary.provider}"
            )
        self._vocabularies[vocabulary.name] = vocabulary

    def extend(self, name: str, terms: Iterable[Term], *, provider: str) -> None:
        """Add ``terms`` to the extendable vocabulary ``name``."""
        self._vocabularies[name] = self.get(name).extended(terms, provider=provider)

    def copy(self) -> VocabularyRegistry:
        """An independent registry holding the same vocabularies."""
        return VocabularyRegistry(self._vocabularies.values())


_current: ContextVar[VocabularyRegistry | None] = ContextVar("rrma_vocabularies", default=None)
_builtin: VocabularyRegistry | None = None


def builtin_registry() -> VocabularyRegistry:
    """The registry of the vocabularies shipped with rrma_core (built once, on first use)."""
    global _builtin
    if _builtin is None:
        from rrma_core.vocabularies._builtin import builtin_vocabularies

        _builtin = VocabularyRegistry(builtin_vocabularies())
    return _builtin


def current_registry() -> VocabularyRegistry:
    """The registry that validation uses now: the one set by ``use_registry``, else the built-in."""
    return _current.get() or builtin_registry()


@contextlib.contextmanager
def use_registry(registry: VocabularyRegistry) -> Iterator[VocabularyRegistry]:
    """Validate records against ``registry`` inside the ``with`` block.

    Example:
        >>> from rrma_core.vocabularies import Term, builtin_registry, use_registry
        >>> registry = builtin_registry().copy()
        >>> registry.extend("sectors", [Term("numerique", {"fr": "Numérique", "en": "Digital"})],
        ...                 provider="my-network")
        >>> with use_registry(registry):
        ...     pass  # records built here may use the sector "numerique"
    """
    token = _current.set(registry)
    try:
        yield registry
    finally:
        _current.reset(token)
