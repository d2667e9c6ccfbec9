"""Themes and SDGs found in an entry's text, through a vocabulary's keywords and labels.

[`Vocabulary.match`][rrma_core.vocabularies.Vocabulary.match] gives the codes whose
keywords or labels occur, as whole words, in a text; it re-reads the text for every keyword,
which costs about 10 ms per entry for the sectors and SDGs together. A feed of 5,000 entries
would spend most of its time there, so this module answers the same question from an index
built once per vocabulary: the text is folded (case, accents) and split into words once, and
only the keywords whose first word occurs are checked. (Folding covers the Latin letters;
``Vocabulary.match`` also folds other scripts' accents.)
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from rrma_core.vocabularies import Vocabulary
from rrma_rss._fold import fold

__all__ = ["KeywordIndex", "TextWords", "keyword_index", "words"]

_ALNUM_RUN = re.compile(r"[^\W_]+")


def _phrase(folded: str) -> str:
    """The words of folded text separated by single spaces."""
    return " ".join(_ALNUM_RUN.findall(folded))


@dataclass(frozen=True)
class TextWords:
    """A text as a vocabulary sees it: its words, as one string and as a set.

    Attributes:
        haystack: The words separated by single spaces, with a space at each end.
        distinct: The set of its words.
    """

    haystack: str
    distinct: frozenset[str]


def words(text: str, folded: str | None = None) -> TextWords:
    """The words of ``text``, lower-case and unaccented, to match against vocabularies.

    Make it once per text and hand it to the ``match`` of several indexes.

    Args:
        text: The text.
        folded: ``fold(text)``, when the caller has it already.
    """
    phrase = _phrase(fold(text) if folded is None else folded)
    return TextWords(f" {phrase} ", frozenset(phrase.split(" ")) if phrase else frozenset())


@dataclass(frozen=True)
class KeywordIndex:
    """The keywords and labels of one vocabulary, indexed by their first word.

    Attributes:
        order: Every code, in the vocabulary's order (the order of the answers).
        by_first_word: For each first word, the ``(phrase, code)`` pairs starting with it;
            ``phrase`` is the keyword's words, space-separated.
    """

    order: tuple[str, ...]
    by_first_word: dict[str, tuple[tuple[str, str], ...]]

    @classmethod
    def build(cls, vocabulary: Vocabulary) -> KeywordIndex:
        """Index every keyword and label of every term of ``vocabulary``."""
        index: dict[str, list[tuple[str, str]]] = {}
        for term in vocabulary:
            for needle in (*term.keywords, *term.labels.values()):
                phrase = _phrase(fold(needle))
                if phrase:
                    index.setdefault(phrase.split(" ", 1)[0], []).append((phrase, term.code))
        return cls(
            order=tuple(term.code for term in vocabulary),
            by_first_word={word: tuple(pairs) for word, pairs in index.items()},
        )

    def match(self, text: TextWords) -> list[str]:
        """The codes whose keywords or labels occur, as whole words, in a text.

        The same answer as ``Vocabulary.match(text)``: case, accents and punctuation are
        ignored, and codes come in the vocabulary's order.

        Args:
            text: ``words(text)``.
        """
        haystack = text.haystack
        found: set[str] = set()
        for word in text.distinct & self.by_first_word.keys():
            for phrase, code in self.by_first_word[word]:
                if code not in found and (phrase == word or f" {phrase} " in haystack):
                    found.add(code)
        return [code for code in self.order if code in found]


@functools.lru_cache(maxsize=32)
def keyword_index(vocabulary: Vocabulary) -> KeywordIndex:
    """The (cached) index of ``vocabulary``; vocabularies are immutable."""
    return KeywordIndex.build(vocabulary)
