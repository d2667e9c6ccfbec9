"""The exceptions rrma_core raises.

Every exception the library raises on purpose derives from
[`RrmaError`][rrma_core.errors.RrmaError], so that an application can catch them all with
one ``except`` clause and print their message: each message is written for a person, and
names what was wrong and where.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pydantic

__all__ = [
    "ConfigError",
    "DeadlineExceeded",
    "FetchError",
    "HTTPStatusError",
    "InvalidRecord",
    "PluginError",
    "Problem",
    "ResponseTooLarge",
    "RrmaError",
    "SourceFailed",
    "StorageError",
    "URLRefused",
    "UnknownModel",
    "UnknownVocabulary",
    "VocabularyConflict",
]


class RrmaError(Exception):
    """Base class of every error rrma_core raises on purpose."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one field of one item.

    Attributes:
        field: Dotted path of the field inside the item, such as ``occurrences.0.end``
            (empty when the problem concerns the item as a whole).
        value: The offending value, as received (``None`` when the field was missing).
        reason: Why it was refused, in plain words.
    """

    field: str
    value: Any
    reason: str

    def __str__(self) -> str:
        where = self.field or "(record)"
        if self.value is None:
            return f"{where}: {self.reason}"
        return f"{where} = {_short(self.value)!s}: {self.reason}"


def _short(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class InvalidRecord(RrmaError, ValueError):
    """Raised when data does not make a valid record.

    It names the model, and where known the source and the item inside that source, then
    lists every [`Problem`][rrma_core.errors.Problem] found (field, value, reason).
    ``str(error)`` renders all of it; ``error.problems`` gives it to a program.

    Raised by [`Record.parse`][rrma_core.models.Record.parse] and by the sync engine. A model's
    own constructor raises pydantic's ``ValidationError`` instead, whose ``errors()`` carry
    the same information.
    """

    def __init__(
        self,
        model: str,
        problems: Sequence[Problem],
        *,
        source: str | None = None,
        item: str | None = None,
    ) -> None:
        self.model = model
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.source = source
        self.item = item
        super().__init__(self._render())

    def _render(self) -> str:
        where = [f"invalid {self.model}"]
        if self.source:
            where.append(f"from source {self.source!r}")
        if self.item:
            where.append(f"item {self.item!r}")
        head = " ".join(where)
        if len(self.problems) == 1:
            return f"{head}: {self.problems[0]}"
        lines = "\n".join(f"  - {p}" for p in self.problems)
        return f"{head}: {len(self.problems)} problems\n{lines}"

    @classmethod
    def from_validation_error(
        cls,
        error: pydantic.ValidationError,
        *,
        source: str | None = None,
        item: str | None = None,
    ) -> InvalidRecord:
        """Build one from pydantic's ``ValidationError``, keeping every problem."""
        return cls(error.title, list(problems_of(error)), source=source, item=item)


def problems_of(error: pydantic.ValidationError) -> Iterable[Problem]:
    """The [`Problem`][rrma_core.errors.Problem]s inside a pydantic ``ValidationError``."""
    for detail in error.errors(include_url=False):
        field = ".".join(str(part) for part in detail["loc"])
        reason = detail["msg"]
        # Our own validators raise ValueError("..."): pydantic prefixes "Value error, ".
        if reason.startswith("Value error, "):
            reason = reason[len("Value error, ") :]
        value = detail.get("input")
        if detail["type"] == "missing":
            value = None
        elif isinstance(value, dict) and detail["type"] not in {"model_type", "dict_type"}:
            # A model-level check (such as "end before start"): the input is the whole item.
            value = None
        yield Problem(field=field, value=value, reason=reason)


class UnknownModel(RrmaError, LookupError):
    """Raised when a model is asked for by a name no model has (``rrma schema Foo``)."""


class UnknownVocabulary(RrmaError, LookupError):
    """Raised when a vocabulary is asked for by a name that no registry holds."""


class VocabularyConflict(RrmaError):
    """Raised when two providers register one vocabulary, or one term, with different meanings."""


# --- Fetching --------------------------------------------------------------------------------


class FetchError(RrmaError):
    """Raised when a source cannot be fetched safely; the message names the URL and the reason.

    Attributes:
        url: The URL that was being fetched (after redirects, where some were followed).
    """

    def __init__(self, message: str, *, url: str) -> None:
        self.url = url
        super().__init__(message)


class HTTPStatusError(FetchError):
    """Raised when the server answers with a 4xx or 5xx status (after any retries)."""

    def __init__(self, message: str, *, url: str, status_code: int) -> None:
        self.status_code = status_code
        super().__init__(message, url=url)


class ResponseTooLarge(FetchError):
    """Raised when a body, compressed or decoded, grows past the configured size cap."""


class DeadlineExceeded(FetchError):
    """Raised when one attempt at a request runs past its total deadline (a dripping server).

    The deadline covers connecting, the headers and the whole body of one attempt; waits
    between retries (back-off, ``Retry-After``) are bounded separately.
    """


class URLRefused(FetchError):
    """Raised when a URL or a redirect leads somewhere the session may not go.

    A scheme other than http/https, too many redirects, or a private, loopback or link-local
    address when those are not allowed.
    """


# --- Workspace, plugins, sync ----------------------------------------------------------------


class ConfigError(RrmaError):
    """Raised when ``rrma.toml`` or a source's options are wrong; names the file, source and key."""


class PluginError(RrmaError):
    """Raised when a plugin cannot be loaded in strict mode, or two plugins clash.

    Two connectors (or exporters) with one name is always an error, naming both plugins.
    """


class StorageError(RrmaError):
    """Raised when the database cannot be opened, upgraded or written."""


class SourceFailed(RrmaError):
    """Raised (and reported) when one source of a sync fails: its stored data is untouched.

    Attributes:
        source: The source's name.
    """

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        super().__init__(f"source {source!r} failed: {reason}")
