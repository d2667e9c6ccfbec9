"""Bytes to rows: a CSV or XLSX programme read safely, before anything looks at its cells.

Every check that concerns the file as a whole lives here and raises
[`RrmaError`][rrma_core.errors.RrmaError] naming what was expected: an empty file, an HTML
page, a PDF, an old ``.xls`` or an OpenDocument workbook, a ZIP that is no XLSX, a workbook
whose parts decompress to more than the cap (a zip bomb) or declare a DOCTYPE (XML entity
tricks), an unterminated quote, too many rows.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from rrma_core.errors import RrmaError

__all__ = ["MAX_COLUMNS", "MAX_ROWS", "MAX_UNCOMPRESSED", "Sheet", "read_sheet"]

#: Rows with content a programme may have (a national programme has about 4,000).
MAX_ROWS = 100_000
#: Columns read in each row; cells further right are ignored.
MAX_COLUMNS = 256
#: Cap on the decompressed size of an XLSX workbook's parts (a zip bomb stops here).
MAX_UNCOMPRESSED = 64 * 1024 * 1024
#: Cap on the number of parts in an XLSX workbook.
MAX_MEMBERS = 5_000
#: Excel's own last row: openpyxl never walks past it, whatever a sheet declares.
_EXCEL_ROWS = 1_048_576
_XML_PROLOG = 1024 * 1024
_DELIMITERS = (";", ",", "\t")
_SCAN_ROWS = 30

Score = Callable[[Sequence[Any]], int]


@dataclass
class Sheet:
    """The rows of a programme, numbered as the spreadsheet shows them (the first is 1).

    Attributes:
        rows: ``(number, cells)`` for every row that holds something (empty rows are left
            out, their numbers skipped); trailing empty cells are dropped.
        kind: ``"csv"`` or ``"xlsx"``.
        details: How it was read (encoding and separator, or the sheet's name), for messages.
    """

    rows: list[tuple[int, list[Any]]] = field(default_factory=list)
    kind: str = "csv"
    details: str = ""


def read_sheet(
    content: bytes,
    *,
    where: str,
    score: Score,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
) -> Sheet:
    """Read a CSV or XLSX programme (told apart by their content, not their name).

    Args:
        content: The file's bytes.
        where: The file's path or URL, for messages.
        score: How many known headers a row holds: picks the CSV separator.
        encoding: The CSV's encoding; ``None`` finds it (UTF-8 with or without BOM,
            UTF-16 with a BOM, else Windows-1252).
        delimiter: The CSV's separator; ``None`` finds it among ``;``, ``,`` and tab.
        sheet: The XLSX sheet to read; ``None`` for the first.

    Raises:
        RrmaError: when the file is not a readable CSV or XLSX programme.
    """
    if not content.strip():
        raise RrmaError(f"{where} est vide : un programme CSV ou XLSX était attendu")
    if content.startswith(b"PK\x03\x04"):
        return _read_xlsx(content, where=where, sheet=sheet)
    if content.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise RrmaError(
            f"{where} est un classeur Excel 97-2003 (.xls) : enregistrez-le en .xlsx ou en CSV"
        )
    if content.lstrip().startswith(b"%PDF"):
        raise RrmaError(f"{where} est un PDF, pas un programme CSV ou XLSX")
    if content.startswith((b"PK\x05\x06", b"PK\x07\x08")):
        raise RrmaError(f"{where} est une archive ZIP vide, pas un classeur XLSX")
    return _read_csv(content, where=where, score=score, encoding=encoding, delimiter=delimiter)


# --- CSV -------------------------------------------------------------------------------------


def _decode(content: bytes, where: str, encoding: str | None) -> tuple[str, str]:
    if encoding is not None:
        codec = codecs.lookup(encoding).name
        if codec == "utf-8":
            codec = "utf-8-sig"
        try:
            return content.decode(codec), encoding
        except UnicodeDecodeError as error:
            raise RrmaError(
                f"{where} n'est pas encodé en {encoding} : octet {content[error.start]:#04x} "
                f"à la position {error.start}"
            ) from None
    if content.startswith(codecs.BOM_UTF8):
        return content[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), "UTF-8"
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return content.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise RrmaError(f"{where} : UTF-16 annoncé mais illisible") from None
    try:
        return content.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return content.decode("latin-1"), "ISO-8859-1"


def _records(text: str, delimiter: str, *, strict: bool) -> Iterator[list[str]]:
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=strict)


def _pick_delimiter(text: str, score: Score) -> str:
    """The separator under which the first rows hold the most known headers."""
    best, best_score = "", 0
    for candidate in _DELIMITERS:
        try:
            rows = list(islice(_records(text, candidate, strict=False), _SCAN_ROWS))
        except csv.Error:
            continue
        found = max((score(row) for row in rows), default=0)
        if found > best_score:
            best, best_score = candidate, found
    if best:
        return best
    head = "\n".join(text.splitlines()[:_SCAN_ROWS])
    try:
        return csv.Sniffer().sniff(head, delimiters="".join(_DELIMITERS)).delimiter
    except csv.Error:
        return ";"


def _read_csv(
    content: bytes, *, where: str, score: Score, encoding: str | None, delimiter: str | None
) -> Sheet:
    text, encoding_name = _decode(content, where, encoding)
    if "\x00" in text:
        raise RrmaError(
            f"{where} contient des octets nuls : c'est un fichier binaire, pas un CSV ni un XLSX"
        )
    start = text.lstrip()
    if start.startswith("<"):
        raise RrmaError(f"{where} est une page HTML ou du XML, pas un programme CSV ou XLSX")
    if start.startswith(("{", "[")):
        raise RrmaError(f"{where} est du JSON, pas un programme CSV ou XLSX")
    chosen = delimiter or _pick_delimiter(text, score)
    shown = "tabulation" if chosen == "\t" else f"« {chosen} »"
    sheet = Sheet(kind="csv", details=f"CSV {encoding_name}, séparateur {shown}")
    try:
        sheet.rows = _collect(_records(text, chosen, strict=True), where)
    except csv.Error as error:
        if "unexpected end of data" in str(error):
            raise RrmaError(
                f"{where} s'arrête au milieu d'une cellule entre guillemets (fichier tronqué, "
                "ou guillemet jamais refermé)"
            ) from None
        # Spreadsheets write stray quotes in unquoted cells; read them as text.
        try:
            sheet.rows = _collect(_records(text, chosen, strict=False), where)
        except csv.Error as second:
            raise RrmaError(f"{where} n'est pas un CSV lisible : {second}") from None
    return sheet


def _collect(records: Iterator[Sequence[Any]], where: str) -> list[tuple[int, list[Any]]]:
    """The rows that hold something, with their numbers (empty rows are only counted)."""
    rows: list[tuple[int, list[Any]]] = []
    empty: Sequence[Any] | None = None
    for number, record in enumerate(records, start=1):
        # openpyxl fills the gap before a far row with one shared empty tuple: a sheet may
        # declare a million empty rows, so those must cost next to nothing.
        if record is empty:
            continue
        if record.count(None) + record.count("") == len(record):
            empty = record
            continue
        cells = list(record[:MAX_COLUMNS])
        while cells and (cells[-1] is None or cells[-1] == ""):
            cells.pop()
        rows.append((number, cells))
        if len(rows) > MAX_ROWS:
            raise RrmaError(
                f"{where} a plus de {MAX_ROWS:,} lignes remplies".replace(",", "\u202f")
                + " : ce n'est pas un programme (découpez-le)"
            )
    return rows


# --- XLSX ------------------------------------------------------------------------------------


def _check_zip(content: bytes, where: str) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError, EOFError, OSError):
        raise RrmaError(
            f"{where} : archive ZIP illisible (classeur XLSX tronqué ou abîmé)"
        ) from None
    with archive:
        infos = archive.infolist()
        names = {info.filename for info in infos}
        if len(infos) > MAX_MEMBERS:
            raise RrmaError(f"{where} : classeur XLSX de plus de {MAX_MEMBERS} parties")
        total = sum(info.file_size for info in infos)
        if total > MAX_UNCOMPRESSED:
            raise RrmaError(
                f"{where} : le classeur XLSX se décompresse en {total // (1024 * 1024)} Mio, "
                f"au-delà de la limite de {MAX_UNCOMPRESSED // (1024 * 1024)} Mio "
                "(bombe ZIP ?)"
            )
        if "mimetype" in names and archive.getinfo("mimetype").file_size < 200:
            mimetype = archive.read("mimetype")
            if mimetype.startswith(b"application/vnd.oasis.opendocument"):
                raise RrmaError(
                    f"{where} est un classeur OpenDocument (.ods) : enregistrez-le en .xlsx "
                    "ou en CSV"
                )
        if "xl/workbook.xml" not in names:
            raise RrmaError(f"{where} est une archive ZIP, mais pas un classeur XLSX")
        for info in infos:
            if info.filename.endswith((".xml", ".rels", ".vml")):
                _check_xml_part(archive, info, where)


def _check_xml_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, where: str) -> None:
    """Refuse a part that declares a DOCTYPE (entity expansion, external entities) or is
    not UTF-8: the XLSX format has no use for either."""
    head = b""
    try:
        with archive.open(info) as part:
            while len(head) < _XML_PROLOG:
                chunk = part.read(65536)
                if not chunk:
                    break
                head += chunk
                if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or (
                    b"\x00" in head[:64]
                ):
                    raise RrmaError(f"{where} : partie {info.filename} encodée hors UTF-8")
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    raise RrmaError(
                        f"{where} : la partie {info.filename} déclare un DOCTYPE, "
                        "ce qu'un classeur XLSX ne fait pas (refusé par sécurité)"
                    )
                if re.search(rb"<[A-Za-z_]", head):
                    return  # the root element has started: no DOCTYPE can follow
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
        raise RrmaError(f"{where} : partie {info.filename} illisible ({error})") from None


def _read_xlsx(content: bytes, *, where: str, sheet: str | None) -> Sheet:
    _check_zip(content, where)
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "no default style", unknown extensions...
            workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a damaged workbook
        raise RrmaError(f"{where} : classeur XLSX illisible ({type(error).__name__})") from None
    try:
        names = list(workbook.sheetnames)
        if sheet is not None and sheet not in names:
            listed = ", ".join(f"« {n} »" for n in names)
            raise RrmaError(f"{where} n'a pas de feuille « {sheet} » (feuilles : {listed})")
        chosen = sheet if sheet is not None else names[0] if names else None
        if chosen is None:
            raise RrmaError(f"{where} : le classeur XLSX n'a aucune feuille")
        worksheet = workbook[chosen]
        if not hasattr(worksheet, "iter_rows"):
            raise RrmaError(f"{where} : la feuille « {chosen} » est un graphique, pas un tableau")
        worksheet.reset_dimensions()  # a sheet's declared size may lie: read what is there
        rows = worksheet.iter_rows(
            min_row=1, max_row=_EXCEL_ROWS, max_col=MAX_COLUMNS, values_only=True
        )
        try:
            collected = _collect(rows, where)
        except RrmaError:
            raise
        except Exception as error:
            raise RrmaError(
                f"{where} : feuille « {chosen} » illisible ({type(error).__name__})"
            ) from None
        return Sheet(rows=collected, kind="xlsx", details=f"XLSX, feuille « {chosen} »")
    finally:
        workbook.close()
