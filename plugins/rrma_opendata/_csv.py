"""The ``csv`` exporter: one table of one model, for spreadsheets."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import IO, ClassVar, Literal

from pydantic import Field

from rrma_core.connectors import Options
from rrma_core.errors import ConfigError
from rrma_core.exporters import ExportContext, Exporter
from rrma_core.models import Record
from rrma_opendata._cells import CellStyle, RowWriter, text_column_writers
from rrma_opendata._columns import (
    Env,
    batches,
    column_values,
    describe_models,
    group_by_model,
    table_for,
)
from rrma_opendata._text import EXCEL_CELL_LIMIT

__all__ = ["CsvExporter", "CsvOptions"]

_BOM = "\ufeff".encode()
_BOOLEANS = {"fr": ("oui", "non"), "en": ("yes", "no")}


class CsvOptions(Options):
    """Options of the ``csv`` exporter."""

    delimiter: Literal[";", ",", "tab", "\t", "|"] = Field(
        default=";",
        description="The separator: `;` (what French spreadsheets expect), `,`, `tab` or `|`.",
    )
    decimal: Literal[".", ","] | None = Field(
        default=None,
        description="The decimal separator of numbers; default `,` with the `;` separator "
        "(French spreadsheets), `.` otherwise.",
    )
    labels: bool = Field(
        default=True,
        description="Write labels (in the export's language) instead of vocabulary codes, "
        "and oui/non (yes/no) for booleans.",
    )
    headers: Literal["names", "titles"] = Field(
        default="names",
        description="The header row: column names (`start_date`), or titles in the export's "
        "language (`Premier jour`).",
    )
    bom: bool = Field(default=True, description="Start with a UTF-8 byte order mark (for Excel).")


def single_model(records: list[Record], fmt: str) -> type[Record] | None:
    """The one model of ``records`` (``None`` when there are none).

    Raises:
        ConfigError: when they are of several models, naming them.
    """
    if not records:
        return None
    model = type(records[0])
    if all(type(r) is model for r in records):
        return model
    present = describe_models(group_by_model(records))
    raise ConfigError(
        f"the {fmt} format writes one table, of one model, but these records are of several "
        f"({present}): choose one with `--type` (rrma export {fmt} --type Event) or "
        "`models=[Event]` / `records=ws.events(...)` in Python"
    )


class CsvExporter(Exporter[CsvOptions]):
    """Writes one model's records as a CSV table for spreadsheets.

    UTF-8 with a byte order mark, `;`-separated and with decimal commas by default (what
    French spreadsheets open without an import dialog); labels in the export's language;
    text cells that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``...)
    get a leading apostrophe; cells are cut at Excel's 32,767 characters. Rows come in
    the records' order.
    """

    name: ClassVar[str] = "csv"
    media_type: ClassVar[str] = "text/csv"
    extension: ClassVar[str] = ".csv"
    Options = CsvOptions

    def export(self, records: Iterable[Record], out: IO[bytes], ctx: ExportContext) -> int:
        """Write the records' table to ``out``; return the number of rows.

        Raises:
            ConfigError: when the records are of several models.
        """
        options = self.options
        rows = records if isinstance(records, list) else list(records)
        model = single_model(rows, self.name)
        if model is None:
            return 0
        env = Env.of(ctx)
        columns = table_for(model).visible(ctx.personal_data)
        delimiter = "\t" if options.delimiter == "tab" else options.delimiter
        decimal = options.decimal or ("," if delimiter == ";" else ".")
        style = CellStyle(
            lang=ctx.lang,
            tz=ctx.timezone,
            labels=options.labels,
            decimal=decimal,
            booleans=_BOOLEANS["en" if ctx.lang.startswith("en") else "fr"]
            if options.labels
            else ("true", "false"),
            formulas=True,
            limit=EXCEL_CELL_LIMIT,
        )
        if options.bom:
            out.write(_BOM)
        stream = io.TextIOWrapper(out, encoding="utf-8", newline="")
        try:
            writer = RowWriter(stream, delimiter)
            if options.headers == "titles":
                writer.writerow([c.title_in(ctx.lang) for c in columns])
            else:
                writer.writerow([c.name for c in columns])
            pairs = list(zip(columns, text_column_writers(columns, style), strict=True))
            for batch in batches(rows, env):  # column by column, then row by row
                writer.write_columns([write(column_values(c, batch)) for c, write in pairs])
        finally:
            stream.flush()
            stream.detach()  # the caller's stream stays open
        return len(rows)
