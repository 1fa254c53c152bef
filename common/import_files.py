"""What every spreadsheet import shares (socialtjanst.unit_import, placements.importing and
budget.importing): reading an .xlsx or .csv file into rows numbered as the spreadsheet numbers them,
matching headers, reading text and numbers against the model field they are stored in, and the
Swedish messages for all of it. placements.import_files adds the care type.

The cell readers raise ValueError with the reason; the importer adds the row and the column (ERROR),
so that a bad cell is reported, and nothing is imported, before anything reaches the database.
"""

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from openpyxl import load_workbook

MISSING_COLUMN = "Kolumnen '{column}' saknas i filen."
EMPTY_FILE = "Filen innehåller inga rader."
UNREADABLE = "Filen kunde inte läsas: {reason}"
NUL_IN_FILE = "Filen innehåller nolltecken (NUL) och kan inte läsas. Spara den som CSV i UTF-8 eller som .xlsx."
ERROR = "Rad {row}, kolumn '{column}': {reason}"
REQUIRED = "värde saknas."
BAD_NUMBER = "ogiltigt tal '{value}'."
NEGATIVE_AMOUNT = "beloppet får inte vara negativt."
TOO_LARGE = "talet '{value}' är för stort."
TOO_MANY_DECIMALS = "högst {places} ('{value}')."
TOO_LONG = "högst {max_length} tecken (värdet har {length})."
TOO_MANY_ROWS = "Filen har fler än {max_rows} rader."
TOO_LARGE_UNPACKED = "Filen är för stor uppackad (högst {mb} MB)."

# Bounds on what a file may make the server hold, whatever it declares (the upload itself is capped
# by settings.IMPORT_MAX_BYTES): a 15 000-row placement file has 16 columns and unpacks to 11 MB.
MAX_ROWS = 100_000
MAX_COLUMNS = 100
MAX_UNPACKED_BYTES = 150 * 1024 * 1024


class ImportFileError(Exception):
    """Every reason a file was not imported, each a Swedish message (most name the row and the column)."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


# --- the file --------------------------------------------------------------------


def normalise_header(name) -> str:
    """'Vårdform', 'VARDFORM', ' vardform ' → 'vardform'."""
    value = str(name or "").strip().lower().replace(" ", "_")
    return "".join(c for c in unicodedata.normalize("NFKD", value) if not unicodedata.combining(c))


def _numbered(rows: Iterable) -> list[tuple[int, list]]:
    """The rows with content, numbered as the spreadsheet numbers them, each cut at MAX_COLUMNS cells.

    Streams: an empty row is counted, never kept, and reading stops past MAX_ROWS, so neither a huge
    declared sheet nor a file of blank lines costs memory or minutes."""
    numbered = []
    for number, row in enumerate(rows, start=1):
        if number > MAX_ROWS:
            raise ImportFileError([TOO_MANY_ROWS.format(max_rows=f"{MAX_ROWS:,}".replace(",", " "))])
        cells = list(row[:MAX_COLUMNS])
        if any(text(c) for c in cells):
            numbered.append((number, cells))
    return numbered


def _check_unpacked_size(content: bytes) -> None:
    """An .xlsx is a zip: refuse one that unpacks past MAX_UNPACKED_BYTES before parsing any of it
    (the sizes are the archive's own; Python's zip reader never returns more than an entry declares)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise ImportFileError([UNREADABLE.format(reason=type(exc).__name__)]) from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError([TOO_LARGE_UNPACKED.format(mb=MAX_UNPACKED_BYTES // (1024 * 1024))])


def _raw_rows(content: bytes, filename: str) -> list[tuple[int, list]]:
    """The rows with content of the first sheet (.xlsx) or of the CSV, numbered, in order."""
    if filename.lower().endswith(".xlsx"):
        _check_unpacked_size(content)
        try:
            wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            try:
                # max_col: a sheet that declares 16 384 columns would otherwise pad every row to that.
                return _numbered(wb.active.iter_rows(max_col=MAX_COLUMNS, values_only=True))
            finally:
                wb.close()
        except ImportFileError:
            raise
        except Exception as exc:  # noqa: BLE001 - any unreadable workbook is the user's error
            raise ImportFileError([UNREADABLE.format(reason=type(exc).__name__)]) from exc
    try:
        content_text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError([UNREADABLE.format(reason="inte UTF-8")]) from exc
    if "\x00" in content_text:  # PostgreSQL text cannot hold NUL: refuse the file, not a 500 on its first row
        raise ImportFileError([NUL_IN_FILE])
    first_line = content_text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    try:
        return _numbered(csv.reader(io.StringIO(content_text), delimiter=delimiter))
    except csv.Error as exc:
        raise ImportFileError([UNREADABLE.format(reason=str(exc))]) from exc


def read_table(content: bytes, filename: str, columns: list[str], required: list[str]) -> list[tuple[int, dict]]:
    """The data rows as (row number, {column: cell}), numbered as the spreadsheet numbers them.

    The first non-empty row is the header; its names are matched to `columns` by normalise_header
    (unknown columns are ignored). Empty rows are skipped but keep their number, so row 5 is row 5
    in the spreadsheet too. Raises ImportFileError if the file is unreadable, has no data rows or
    lacks a required column."""
    numbered = _raw_rows(content, filename)
    if len(numbered) < 2:
        raise ImportFileError([EMPTY_FILE])
    keys = {normalise_header(c): c for c in columns}
    header = [keys.get(normalise_header(h)) for h in numbered[0][1]]
    missing = [c for c in required if c not in header]
    if missing:
        raise ImportFileError([MISSING_COLUMN.format(column=c) for c in missing])
    return [(number, {key: raw[i] if i < len(raw) else None for i, key in enumerate(header) if key})
            for number, raw in numbered[1:]]


# --- cells -----------------------------------------------------------------------


def text(value) -> str:
    """A cell as stripped text; a whole number from .xlsx without '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_text(value, field) -> str:
    """A cell as text for `field` (a model CharField): at most its max_length characters."""
    result = text(value)
    if len(result) > field.max_length:
        raise ValueError(TOO_LONG.format(max_length=field.max_length, length=len(result)))
    return result


def parse_number(value) -> Decimal:
    """'1 234 567,50', '1234567.5', 1234567.5 (xlsx) → Decimal; signed, so the caller can say why it is wrong."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        result = Decimal(str(value))
    else:
        raw = re.sub(r"[\s\u00a0\u202f]", "", text(value)).replace(",", ".").replace("\u2212", "-")
        try:
            result = Decimal(raw)
        except InvalidOperation:
            raise ValueError(BAD_NUMBER.format(value=text(value))) from None
    if not result.is_finite():
        raise ValueError(BAD_NUMBER.format(value=text(value)))
    return result


def _places(n: int) -> str:
    return {1: "en decimal", 2: "två decimaler"}.get(n, f"{n} decimaler")


def check_fits(number: Decimal, field, raw) -> None:
    """The number fits `field` (a model DecimalField): not too large, not too many decimals."""
    if abs(number) >= Decimal(10) ** (field.max_digits - field.decimal_places):
        raise ValueError(TOO_LARGE.format(value=text(raw)))
    if number != number.quantize(Decimal(1).scaleb(-field.decimal_places)):
        raise ValueError(TOO_MANY_DECIMALS.format(places=_places(field.decimal_places), value=text(raw)))


def parse_amount(value, field) -> Decimal:
    """An amount in kr for `field` (a model DecimalField): a number, 0 or more, that fits the field."""
    result = parse_number(value)
    if result < 0:
        raise ValueError(NEGATIVE_AMOUNT)
    check_fits(result, field, value)
    return result

