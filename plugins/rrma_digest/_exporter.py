"""The ``digest`` exporter and its options."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, ClassVar, cast

from pydantic import Field, field_validator

from rrma_core.connectors import Options
from rrma_core.exporters import ExportContext, Exporter
from rrma_core.models import CallForProjects, Event, Record, Resource
from rrma_digest._digest import build_digest
from rrma_digest._render import TEMPLATE_NAMES, Format, write_digest

__all__ = ["DigestExporter", "DigestOptions"]

_ALIASES = {"htm": "html", "md": "markdown", "txt": "text", "plain": "text"}


class DigestOptions(Options):
    """Options of the ``digest`` exporter."""

    format: Format = Field(
        default="html",
        description='"html" (an e-mail-safe page), "markdown" or "text" (md and txt also do).',
    )
    on: datetime | date | None = Field(
        default=None,
        description="The moment the digest is prepared for (a day: its start; a time without "
        "zone: in the workspace's zone); default: now.",
    )
    title: str | None = Field(
        default=None, description='The title; default: "Lettre d\'information — <workspace>".'
    )
    intro: str | None = Field(
        default=None, description="A text under the title (paragraphs split by blank lines)."
    )
    weeks: int = Field(default=4, ge=0, le=52, description="How many weeks of events, from now.")
    since_days: int = Field(
        default=30,
        ge=0,
        le=36500,
        description="Resources published (or added) in these last days are new.",
    )
    max_calls: int | None = Field(default=None, ge=0, description="At most this many calls.")
    max_events: int | None = Field(default=None, ge=0, description="At most this many events.")
    max_resources: int | None = Field(
        default=None, ge=0, description="At most this many resources."
    )
    excerpt: int | None = Field(
        default=280,
        ge=0,
        description="Characters of each description shown (0: none; null: the whole "
        "description, its HTML sanitised).",
    )
    templates: Path | None = Field(
        default=None,
        description="A folder of templates that take precedence over the package's (same names).",
    )

    @field_validator("format", mode="before")
    @classmethod
    def _format_alias(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().lower()
            return _ALIASES.get(value, value)
        return value

    @field_validator("templates")
    @classmethod
    def _folder(cls, value: Path | None) -> Path | None:
        if value is None:
            return None
        value = value.expanduser()
        if not value.is_dir():
            raise ValueError(f"{value} is not a folder")
        if not any((value / name).is_file() for name in TEMPLATE_NAMES):
            raise ValueError(
                f"{value} holds none of the digest's templates ({', '.join(TEMPLATE_NAMES)})"
            )
        return value.resolve()


class DigestExporter(Exporter[DigestOptions]):
    """Writes a newsletter digest: open calls for projects by closing date, upcoming events by
    week and département, new resources; in HTML for e-mail, Markdown or plain text."""

    name: ClassVar[str] = "digest"
    media_type: ClassVar[str] = "text/html"
    extension: ClassVar[str] = ".html"
    record_types: ClassVar[tuple[type[Record], ...]] = (CallForProjects, Event, Resource)
    Options = DigestOptions

    #: The media type and extension of each format (the class attributes are the HTML's).
    FORMATS: ClassVar[dict[str, tuple[str, str]]] = {
        "html": ("text/html", ".html"),
        "markdown": ("text/markdown", ".md"),
        "text": ("text/plain", ".txt"),
    }

    @classmethod
    def parse_options(cls, options: dict[str, Any]) -> DigestOptions:
        """Validate the options (``ConfigError`` naming the key when one is wrong)."""
        return cast(DigestOptions, super().parse_options(options))

    def export(self, records: Iterable[Record], out: IO[bytes], ctx: ExportContext) -> int:
        """Write the digest of ``records`` to ``out`` (UTF-8); return how many items it holds.

        ``ctx.now`` (or the option ``on``) is the moment it is judged from: calls closed by
        then are left out, "closes in N days" counts whole days in ``ctx.timezone``, events
        run from then for ``weeks`` weeks, resources are new if published in the
        ``since_days`` days up to then. The text is written as it is laid out, in chunks.

        Raises:
            ConfigError: when a template (a network's own) is wrong.
        """
        options = self.options
        digest = build_digest(records, ctx, options)
        write_digest(digest, out, options.format, options.templates)
        return digest.count
