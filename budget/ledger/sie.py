"""A streaming SIE 4 reader (the Swedish standard every economy system exports, typ 4).

Reads the file line by line from a binary stream (never whole), decoding by the declared #FORMAT:
PC8 (the standard's default) is CP437. Of the labels it keeps #RAR, #KONTO, #DIM, #OBJEKT, #PSALDO,
#PBUDGET and #VER with its #TRANS; the others are skipped. Fields are separated by blanks; a field in
quotes may hold blanks and \\" ; an object list is {dim "object" dim "object" ...}.

Errors are collected as Swedish messages naming the line ("Rad 12: ..."); the caller decides that an
error means nothing is written."""

import datetime
import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from common.date_window import ROLLUP_YEAR_MAX, ROLLUP_YEAR_MIN

LINE_ERROR = "Rad {line}: {reason}"
BAD_QUOTES = "citattecken saknar slut."
BAD_OBJECTS = "objektlistan {…} saknar slut."
TOO_FEW_FIELDS = "{label} har för få fält."
BAD_AMOUNT = "ogiltigt belopp '{value}'."
BAD_PERIOD = "ogiltig period '{value}' (skriv ÅÅÅÅMM)."
BAD_DATE = "ogiltigt datum '{value}' (skriv ÅÅÅÅMMDD)."
BAD_ACCOUNT = "ogiltigt konto '{value}' (fyra siffror)."
BAD_YEAR_INDEX = "okänt årsnummer '{value}' (saknas i #RAR)."
TRANS_OUTSIDE_VER = "#TRANS utanför en #VER."
VER_NOT_CLOSED = "#VER på rad {start} saknar avslutande }}."
UNKNOWN_FORMAT = "okänd teckenkodning '{value}' (PC8 eller UTF-8)."
NOT_SIE = "Filen är inte en SIE-fil (första raden börjar inte med #)."
MAX_ERRORS = 50

ENCODINGS = {"PC8": "cp437", "CP437": "cp437", "UTF8": "utf-8", "UTF-8": "utf-8", "ISO-8859-1": "latin-1"}
_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|\{([^}]*)\}|(\S+)')


class SieLineError(ValueError):
    pass


@dataclass(frozen=True)
class Balance:
    """One #PSALDO / #PBUDGET / #TRANS amount: the line it came from, month, account, objects, amount."""

    line: int
    month: datetime.date
    account: int
    objects: dict[int, str]
    amount: Decimal


@dataclass
class SieHeader:
    """What the file declares beside the amounts."""

    years: dict[int, tuple[datetime.date, datetime.date]] = field(default_factory=dict)
    accounts: dict[int, str] = field(default_factory=dict)
    dimensions: dict[int, str] = field(default_factory=dict)
    objects: dict[tuple[int, str], str] = field(default_factory=dict)
    encoding: str = "cp437"


def tokens(line: str) -> list:
    """'#TRANS 4010 {1 "57 31"} -12.5' → ['#TRANS', '4010', {1: '57 31'}, '-12.5'].

    One pass of one regular expression (a 500 000-line file is read in seconds): a bare field that starts
    with a quote or a brace is one whose closing quote or brace is missing."""
    if '"' not in line and "{" not in line:
        return line.split()
    result: list = []
    for match in _TOKEN.finditer(line):
        quoted, objects, bare = match.groups()
        if quoted is not None:
            result.append(quoted.replace('\\"', '"'))
        elif objects is not None:
            result.append(_object_list(objects))
        elif bare[0] == '"':
            raise SieLineError(BAD_QUOTES)
        elif bare[0] == "{":
            raise SieLineError(BAD_OBJECTS)
        else:
            result.append(bare)
    return result


@functools.lru_cache(maxsize=4096)
def _object_list(inner: str) -> dict[int, str]:
    """Cached: a file repeats the same few object lists on every line (the dict is never changed)."""
    parts = tokens(inner)
    if len(parts) % 2:
        raise SieLineError(BAD_OBJECTS)
    objects = {}
    for dim, obj in zip(parts[0::2], parts[1::2], strict=True):
        if not isinstance(dim, str) or not dim.isdigit() or not isinstance(obj, str):
            raise SieLineError(BAD_OBJECTS)
        objects[int(dim)] = obj
    return objects


def amount(raw) -> Decimal:
    try:
        value = Decimal(str(raw).replace(",", "."))
    except InvalidOperation:
        raise SieLineError(BAD_AMOUNT.format(value=raw)) from None
    if not value.is_finite() or value != value.quantize(Decimal("0.01")) or abs(value) >= Decimal(10) ** 14:
        raise SieLineError(BAD_AMOUNT.format(value=raw))
    return value


def account(raw) -> int:
    if not isinstance(raw, str) or not re.fullmatch(r"[1-9][0-9]{3}", raw):
        raise SieLineError(BAD_ACCOUNT.format(value=raw))
    return int(raw)


def period(raw) -> datetime.date:
    """ÅÅÅÅMM within the years the follow-up counts (common.date_window)."""
    if not isinstance(raw, str) or not re.fullmatch(r"[0-9]{6}", raw) or not 1 <= int(raw[4:]) <= 12 \
            or not ROLLUP_YEAR_MIN <= int(raw[:4]) <= ROLLUP_YEAR_MAX:
        raise SieLineError(BAD_PERIOD.format(value=raw))
    return datetime.date(int(raw[:4]), int(raw[4:]), 1)


@functools.lru_cache(maxsize=4096)
def date(raw) -> datetime.date:
    try:
        if not isinstance(raw, str) or not re.fullmatch(r"[0-9]{8}", raw):
            raise ValueError
        if not ROLLUP_YEAR_MIN <= int(raw[:4]) <= ROLLUP_YEAR_MAX:
            raise ValueError
        return datetime.date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
    except ValueError:
        raise SieLineError(BAD_DATE.format(value=raw)) from None


def _need(parts: list, n: int) -> None:
    if len(parts) < n:
        raise SieLineError(TOO_FEW_FIELDS.format(label=parts[0]))


class SieReader:
    """Reads a SIE 4 stream once; hands every amount to the callbacks as it is read.

    on_psaldo(Balance), on_pbudget(Balance) and on_trans(Balance) receive year-0 balances and every
    transaction; errors collects the Swedish messages (at most MAX_ERRORS)."""

    def __init__(self, *, on_psaldo: Callable[[Balance], None], on_pbudget: Callable[[Balance], None],
                 on_trans: Callable[[Balance], None]):
        self.header = SieHeader()
        self.errors: list[str] = []
        self._on = {"#PSALDO": on_psaldo, "#PBUDGET": on_pbudget}
        self._on_trans = on_trans
        self._ver: tuple[int, datetime.date] | None = None  # (line, date) of the open #VER
        self._ver_pending = False  # #VER read, its { not yet

    def error(self, line: int, reason: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(LINE_ERROR.format(line=line, reason=reason))

    def read(self, stream: Iterable[bytes]) -> SieHeader:
        first = True
        for number, raw in enumerate(stream, start=1):
            text = raw.decode(self.header.encoding, errors="replace").strip().lstrip("\ufeff")
            if not text:
                continue
            if first and not text.startswith("#"):
                self.errors.append(NOT_SIE)
                return self.header
            first = False
            try:
                self._line(number, text)
            except SieLineError as exc:
                self.error(number, str(exc))
        if self._ver is not None:
            self.error(self._ver[0], VER_NOT_CLOSED.format(start=self._ver[0]))
        return self.header

    def _line(self, number: int, text: str) -> None:
        if text == "{":
            if self._ver_pending:
                self._ver_pending = False
            return
        if text == "}":
            self._ver = None
            return
        parts = tokens(text)
        label = parts[0].upper() if isinstance(parts[0], str) else ""
        handler = _HANDLERS.get(label)
        if handler is not None:
            handler(self, number, parts)

    def _format(self, number, parts):
        _need(parts, 2)
        encoding = ENCODINGS.get(str(parts[1]).upper())
        if encoding is None:
            raise SieLineError(UNKNOWN_FORMAT.format(value=parts[1]))
        self.header.encoding = encoding

    def _rar(self, number, parts):
        _need(parts, 4)
        if not re.fullmatch(r"-?[0-9]+", str(parts[1])):
            raise SieLineError(BAD_YEAR_INDEX.format(value=parts[1]))
        self.header.years[int(parts[1])] = (date(parts[2]), date(parts[3]))

    def _konto(self, number, parts):
        _need(parts, 3)
        self.header.accounts[account(parts[1])] = str(parts[2])

    def _dim(self, number, parts):
        _need(parts, 3)
        if not str(parts[1]).isdigit():
            raise SieLineError(TOO_FEW_FIELDS.format(label=parts[0]))
        self.header.dimensions[int(parts[1])] = str(parts[2])

    def _objekt(self, number, parts):
        _need(parts, 4)
        if not str(parts[1]).isdigit():
            raise SieLineError(TOO_FEW_FIELDS.format(label=parts[0]))
        self.header.objects[(int(parts[1]), str(parts[2]))] = str(parts[3])

    def _balance(self, number, parts):
        """#PSALDO årsnr period konto {objekt} saldo [kvantitet]; only the current year (0) is kept."""
        _need(parts, 6)
        year_index = str(parts[1])
        if not re.fullmatch(r"-?[0-9]+", year_index):
            raise SieLineError(BAD_YEAR_INDEX.format(value=year_index))
        month, acct = period(parts[2]), account(parts[3])
        objects = parts[4] if isinstance(parts[4], dict) else {}
        value = amount(parts[5])
        if int(year_index) == 0:
            self._on[parts[0].upper()](Balance(number, month, acct, objects, value))

    def _verification(self, number, parts):
        """#VER serie vernr verdatum [vertext] ...; its #TRANS follow between { and }."""
        _need(parts, 4)
        self._ver = (number, date(parts[3]))
        self._ver_pending = True

    def _trans(self, number, parts):
        """#TRANS kontonr {objekt} belopp [transdat] [transtext] ...; the month is transdat's, else the #VER's."""
        if self._ver is None:
            raise SieLineError(TRANS_OUTSIDE_VER)
        _need(parts, 4)
        acct = account(parts[1])
        objects = parts[2] if isinstance(parts[2], dict) else {}
        value = amount(parts[3])
        on = self._ver[1]
        if len(parts) > 4 and isinstance(parts[4], str) and parts[4]:
            on = date(parts[4])
        self._on_trans(Balance(number, on.replace(day=1), acct, objects, value))


_HANDLERS = {
    "#FORMAT": SieReader._format, "#RAR": SieReader._rar, "#KONTO": SieReader._konto, "#DIM": SieReader._dim,
    "#OBJEKT": SieReader._objekt, "#PSALDO": SieReader._balance, "#PBUDGET": SieReader._balance,
    "#VER": SieReader._verification, "#TRANS": SieReader._trans,
    # #RTRANS is followed by the same #TRANS (SIE 4B) and #BTRANS is a removed line: neither counts.
}
