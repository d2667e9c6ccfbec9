"""The exporter contract: what a plugin writes to turn stored records into a file.

An exporter is a class with a ``name`` (``rrma export NAME``), the ``media_type`` and file
``extension`` it writes, the record models it accepts, a pydantic ``Options`` model, and
``export(records, out, ctx)`` writing bytes to ``out``. Plugins provide exporters through
the ``rrma_exporters`` hook; [`Workspace.export`][rrma_core.Workspace.export] and
``rrma export`` run them.

Example:
    ```python
    from rrma_core import hookimpl
    from rrma_core.exporters import ExportContext, Exporter
    from rrma_core.models import Event


    class TitlesExporter(Exporter):
        name = "titles"
        media_type = "text/plain"
        extension = ".txt"
        record_types = (Event,)

        def export(self, records, out, ctx: ExportContext) -> int:
            count = 0
            for event in records:
                out.write(f"{event.title.get(ctx.lang)}\\n".encode())
                count += 1
            return count


    @hookimpl
    def rrma_exporters():
        return [TitlesExporter]
    ```
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import IO, Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel

from rrma_core.connectors import Options, validate_options
from rrma_core.models import Record
from rrma_core.models._base import utcnow

__all__ = ["ExportContext", "Exporter"]

OptionsT = TypeVar("OptionsT", bound=Options)


@dataclass
class ExportContext:
    """What an exporter's ``export`` receives besides the records.

    Attributes:
        workspace: The network's name (for titles and metadata).
        timezone: The workspace's time zone, for dates people read.
        lang: The language of texts people read: French by default, ``"en"`` available.
        personal_data: Whether personal data may be written (off unless asked for).
        now: When the export runs (for "closes in N days" and generation stamps).
    """

    workspace: str
    timezone: tzinfo
    lang: str = "fr"
    personal_data: bool = False
    now: datetime = field(default_factory=utcnow)


class Exporter(Generic[OptionsT]):
    """Base class of exporters. Subclass it, set the class attributes, write ``export``.

    Class attributes:
        name: The format's name (``rrma export NAME``).
        media_type: The MIME type of what it writes.
        extension: The usual file extension, with its dot.
        record_types: The models it accepts (empty: any).
        Options: Its options model.
    """

    name: ClassVar[str]
    media_type: ClassVar[str] = "application/octet-stream"
    extension: ClassVar[str] = ""
    record_types: ClassVar[tuple[type[Record], ...]] = ()
    Options: ClassVar[type[Options]] = Options

    def __init__(self, options: OptionsT) -> None:
        self.options = options

    def export(self, records: Iterable[Record], out: IO[bytes], ctx: ExportContext) -> int:
        """Write ``records`` to ``out``; return how many were written."""
        raise NotImplementedError(f"exporter {self.name!r} does not implement export()")

    @classmethod
    def parse_options(cls, options: dict[str, Any]) -> BaseModel:
        """Validate the exporter's options, naming the key in the error."""
        return validate_options(
            cls.Options, options, f"export {cls.name}", f"exporter {cls.name!r}"
        )
