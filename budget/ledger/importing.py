"""The ledger import (issue 17 point 1): a SIE 4 file (.se/.si/.sie) or a CSV/XLSX table of the month's
outcome per verksamhet and account, into LedgerEntry, and #PBUDGET into LedgerBudget.

All or nothing: any error in the file imports nothing, and every error names its line. Idempotent per
file and period: the months the file holds are replaced as a whole (a re-import of August replaces
August) in one set-based statement; the same file twice changes nothing. A closed month keeps its
ledger outcome: a file holding one is refused (the ledger's own correction of a closed month is booked
in an open month by the economy system, so it arrives in that month's file).

Which SIE dimension carries the verksamhet is LedgerSettings.cost_centre_dimension. From #PSALDO a
row with that dimension counts; a row without objects counts only for an account and month that has
no row with the dimension (it is then the account's total). #VER/#TRANS, when the file has them, are
the outcome instead of #PSALDO (a file exporting both would otherwise count twice)."""

import hashlib
import io
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction

from common.import_files import ERROR, ImportFileError, parse_number, read_table, text
from common.periods import month_label

from .. import rollup
from ..models import CostCentre, LedgerBudget, LedgerEntry, LedgerImport, LedgerLine, LedgerSettings, MonthClosing
from ..models.ledger import ACCOUNT_MAX, ACCOUNT_MIN
from .lines import AccountLines
from .sie import Balance, SieReader

SIE_SUFFIXES = (".se", ".si", ".sie")
TABLE_COLUMNS = ["år", "månad", "verksamhet", "konto", "belopp", "motpart"]
TABLE_REQUIRED = ["år", "månad", "verksamhet", "konto", "belopp"]

NOTHING_TO_IMPORT = "Filen innehåller inget utfall (inga #PSALDO- eller #TRANS-rader på resultatkonton)."
MONTH_CLOSED = ("{month} är stängd och behåller sitt utfall. Filen har rader för den månaden; ta bort dem "
                "(rättelser bokas i en öppen månad) eller be en controller öppna månaden igen.")
BAD_MONTH = "ogiltig månad '{value}' (1–12)."
BAD_YEAR = "ogiltigt år '{value}'."
BAD_ACCOUNT = "ogiltigt konto '{value}' (fyra siffror)."
REQUIRED = "värde saknas."
TOO_LONG = "högst {n} tecken."
UNCHANGED = "Filen är redan importerad: inget ändrades."

CODE_MAX = CostCentre._meta.get_field("code").max_length
COUNTERPART_MAX = LedgerEntry._meta.get_field("counterpart").max_length
# Result accounts only: balance accounts (1–2) never reach a report.
RESULT_ACCOUNTS = (3000, 8999)


class LedgerImportError(ImportFileError):
    pass


@dataclass
class LedgerImportSummary:
    months: list = field(default_factory=list)
    rows: int = 0
    budget_rows: int = 0
    unchanged: bool = False
    cost_centres_created: list[str] = field(default_factory=list)

    @property
    def lines(self) -> list[str]:
        if self.unchanged:
            return [UNCHANGED]
        period = ", ".join(month_label(m) for m in self.months)
        lines = [f"{self.rows} utfallsrader importerade för {period}; månaderna ersattes i sin helhet."]
        if self.budget_rows:
            lines.append(f"{self.budget_rows} budgetrader (#PBUDGET) importerade.")
        if self.cost_centres_created:
            lines.append("Nya verksamheter skapade: " + ", ".join(self.cost_centres_created) + ".")
        return lines


def ledger_settings() -> LedgerSettings:
    row, _ = LedgerSettings.objects.get_or_create(pk=1)
    return row


@dataclass
class ParsedLedger:
    """The file summed per (month, verksamhet code or None, account, counterpart), and #PBUDGET per
    (month, verksamhet code, account); names of verksamheter the file declares."""

    entries: dict = field(default_factory=dict)
    budget: dict = field(default_factory=dict)
    names: dict = field(default_factory=dict)
    file_format: str = ""


def _result_account(account: int) -> bool:
    return RESULT_ACCOUNTS[0] <= account <= RESULT_ACCOUNTS[1]


def parse_sie(stream, dimension: int) -> ParsedLedger:
    """Streams the SIE file once, summing as it goes; raises LedgerImportError with every error."""
    by_object: dict = defaultdict(Decimal)
    totals: dict = defaultdict(Decimal)
    trans: dict = defaultdict(Decimal)
    budget_by_object: dict = defaultdict(Decimal)
    budget_totals: dict = defaultdict(Decimal)

    def balance_into(keyed, unkeyed):
        def on(b: Balance):
            if not _result_account(b.account):
                return
            if dimension in b.objects:
                keyed[(b.month, b.objects[dimension], b.account, "")] += b.amount
            elif not b.objects:
                unkeyed[(b.month, None, b.account, "")] += b.amount
        return on

    def on_trans(b: Balance):
        if _result_account(b.account):
            trans[(b.month, b.objects.get(dimension), b.account, "")] += b.amount

    reader = SieReader(on_psaldo=balance_into(by_object, totals), on_pbudget=balance_into(budget_by_object,
                                                                                         budget_totals),
                       on_trans=on_trans)
    header = reader.read(stream)
    if reader.errors:
        raise LedgerImportError(reader.errors)
    parsed = ParsedLedger(file_format="SIE 4")
    parsed.names = {obj: name for (dim, obj), name in header.objects.items() if dim == dimension}
    if trans:
        parsed.entries = dict(trans)
    else:
        parsed.entries = _dimensioned_first(by_object, totals)
    parsed.budget = _dimensioned_first(budget_by_object, budget_totals)
    return parsed


def _dimensioned_first(by_object: dict, totals: dict) -> dict:
    """The dimensioned rows, and an undimensioned total only where its month and account has none."""
    covered = {(month, account) for month, _, account, _ in by_object}
    result = dict(by_object)
    for key, value in totals.items():
        if (key[0], key[2]) not in covered:
            result[key] = value
    return result


def parse_table(content: bytes, filename: str) -> ParsedLedger:
    """CSV/XLSX: år, månad, verksamhet, konto, belopp (debet +: kostnad positiv, intäkt negativ), motpart."""
    import datetime

    try:
        table = read_table(content, filename, TABLE_COLUMNS, TABLE_REQUIRED)
    except ImportFileError as exc:
        raise LedgerImportError(exc.errors) from None
    errors: list[str] = []
    entries: dict = defaultdict(Decimal)
    for number, values in table:
        before = len(errors)

        def err(column, reason, number=number):
            errors.append(ERROR.format(row=number, column=column, reason=reason))

        for column in TABLE_REQUIRED:
            if not text(values.get(column)):
                err(column, REQUIRED)
        if len(errors) > before:
            continue
        year_raw, month_raw = text(values["år"]), text(values["månad"])
        if not year_raw.isascii() or not year_raw.isdigit() or not 2000 <= int(year_raw) <= 2100:
            err("år", BAD_YEAR.format(value=year_raw))
        if not month_raw.isascii() or not month_raw.isdigit() or not 1 <= int(month_raw) <= 12:
            err("månad", BAD_MONTH.format(value=month_raw))
        code = text(values["verksamhet"])
        if len(code) > CODE_MAX:
            err("verksamhet", TOO_LONG.format(n=CODE_MAX))
        account_raw = text(values["konto"])
        if not account_raw.isascii() or not account_raw.isdigit() or not ACCOUNT_MIN <= int(account_raw) <= ACCOUNT_MAX:
            err("konto", BAD_ACCOUNT.format(value=account_raw))
        counterpart = text(values.get("motpart"))
        if len(counterpart) > COUNTERPART_MAX:
            err("motpart", TOO_LONG.format(n=COUNTERPART_MAX))
        try:
            value = parse_number(values["belopp"])
            if value != value.quantize(Decimal("0.01")) or abs(value) >= Decimal(10) ** 14:
                raise ValueError(f"ogiltigt belopp '{text(values['belopp'])}'.")
        except ValueError as exc:
            err("belopp", str(exc))
        if len(errors) > before:
            continue
        month = datetime.date(int(year_raw), int(month_raw), 1)
        entries[(month, code, int(account_raw), counterpart)] += value
    if errors:
        raise LedgerImportError(errors[:50])
    return ParsedLedger(entries=dict(entries), file_format="CSV" if filename.lower().endswith(".csv") else "XLSX")


def parse_file(content_stream, filename: str, dimension: int) -> ParsedLedger:
    if filename.lower().endswith(SIE_SUFFIXES):
        return parse_sie(content_stream, dimension)
    return parse_table(content_stream.read(), filename)


_INSERT_ENTRIES = """
    INSERT INTO budget_ledgerentry (month, cost_centre_id, account, counterpart, amount, ledger_import_id)
    SELECT m, c, a, p, s, %s FROM unnest(%s::date[], %s::bigint[], %s::int[], %s::text[], %s::numeric[])
        AS t(m, c, a, p, s)
    ON CONFLICT (month, cost_centre_id, account, counterpart) DO UPDATE
        SET amount = EXCLUDED.amount, ledger_import_id = EXCLUDED.ledger_import_id
"""


def _centres(codes: set, names: dict, summary: LedgerImportSummary) -> dict:
    centres = {c.code: c.pk for c in CostCentre.objects.filter(code__in=codes)}
    for code in sorted(codes - set(centres)):
        centres[code] = CostCentre.objects.create(code=code, name=(names.get(code) or code)[:120]).pk
        summary.cost_centres_created.append(code)
    return centres


@transaction.atomic
def import_ledger(*, by=None, content=None, stream=None, filename: str) -> LedgerImportSummary:
    """Imports the whole file in one transaction, or nothing (LedgerImportError with every error).
    `stream` (a binary file object) is read line by line; `content` (bytes) is wrapped in one."""
    by = by if by is not None and by.is_authenticated else None
    if stream is None:
        stream = io.BytesIO(content)
    digest = hashlib.sha256()
    hashing = _Hashing(stream, digest)
    parsed = parse_file(hashing, filename, ledger_settings().cost_centre_dimension)
    months = sorted({key[0] for key in parsed.entries} | {key[0] for key in parsed.budget})
    if not parsed.entries and not parsed.budget:
        raise LedgerImportError([NOTHING_TO_IMPORT])
    with connection.cursor() as cur:
        # The closing's lock: a month cannot be closed between the check below and this import's commit, and
        # two imports of the same month never interleave their replace.
        cur.execute("SELECT pg_advisory_xact_lock(%s)", [rollup.ROLLUP_LOCK])
    closed = sorted(MonthClosing.objects.active().filter(month__in=months).values_list("month", flat=True))
    if closed:
        raise LedgerImportError([MONTH_CLOSED.format(month=month_label(m).capitalize()) for m in closed])
    summary = LedgerImportSummary(months=months)
    sha = digest.hexdigest()
    previous = LedgerImport.objects.filter(sha256=sha).order_by("-pk").first()
    entry_months = sorted({key[0] for key in parsed.entries})
    if previous is not None and entry_months and not LedgerEntry.objects.filter(month__in=entry_months).exclude(
            ledger_import=previous).exists() and LedgerEntry.objects.filter(ledger_import=previous).exists():
        summary.unchanged = True
        return summary
    codes = {key[1] for key in parsed.entries if key[1]} | {key[1] for key in parsed.budget if key[1]}
    centres = _centres(codes, parsed.names, summary)
    record = LedgerImport.objects.create(filename=filename[:255], sha256=sha, file_format=parsed.file_format,
                                         first_month=months[0], last_month=months[-1], rows=len(parsed.entries),
                                         imported_by=by)
    if entry_months:
        LedgerEntry.objects.filter(month__in=entry_months).delete()
        keys = list(parsed.entries)
        with connection.cursor() as cur:
            cur.execute(_INSERT_ENTRIES, [
                record.pk, [k[0] for k in keys], [centres.get(k[1]) for k in keys], [k[2] for k in keys],
                [k[3] for k in keys], [parsed.entries[k] for k in keys]])
    summary.rows = len(parsed.entries)
    summary.budget_rows = _write_budget(parsed.budget, centres)
    return summary


def _write_budget(budget: dict, centres: dict) -> int:
    """#PBUDGET per month and verksamhet as revenue and cost (positive kr); the file's months replace theirs."""
    if not budget:
        return 0
    lines = AccountLines()
    sums: dict = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for (month, code, account, _), value in budget.items():
        line = lines.line(account)
        if code is None or line is None:
            continue
        if line == LedgerLine.REVENUE:
            sums[(month, code)][0] -= value
        else:
            sums[(month, code)][1] += value
    months = {m for m, _ in sums}
    for month in months:
        LedgerBudget.objects.filter(year=month.year, month=month.month).delete()
    LedgerBudget.objects.bulk_create([
        LedgerBudget(year=m.year, month=m.month, cost_centre_id=centres[code], revenue=rev, cost=cost)
        for (m, code), (rev, cost) in sums.items()])
    return len(sums)


class _Hashing:
    """Iterates the stream's lines while hashing them, so the file is read once and never held whole."""

    def __init__(self, stream, digest):
        self._stream, self._digest = stream, digest

    def __iter__(self):
        for line in self._stream:
            self._digest.update(line)
            yield line

    def read(self) -> bytes:
        data = self._stream.read()
        self._digest.update(data)
        return data
