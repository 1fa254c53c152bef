"""A bench-able measure of the SIE import (issue 17: 500 000 #TRANS lines in under 60 s, memory bounded).
`make bench` may call measure_sie_import(); see /work/notes/for_F.md. Not used by the application."""

import io
import resource
import time

from django.db import transaction

from .importing import import_ledger


def sie_file(transactions: int, *, year: int = 2024, centres: int = 40, accounts: int = 60) -> bytes:
    """A SIE 4 file of `transactions` #TRANS lines in vouchers of ten, spread over the year's months,
    `centres` verksamheter and `accounts` cost accounts, as an economy system writes it (CP437, CR LF)."""
    out = io.StringIO()
    out.write(f'#FLAGGA 0\r\n#FORMAT PC8\r\n#SIETYP 4\r\n#RAR 0 {year}0101 {year}1231\r\n#DIM 1 "Ansvar"\r\n')
    for c in range(centres):
        out.write(f'#OBJEKT 1 "B{c:03d}" "Verksamhet {c} Ödeby"\r\n')
    for n in range(0, transactions, 10):
        month = n // 10 % 12 + 1
        out.write(f'#VER "A" {n // 10 + 1} {year}{month:02d}15 "Leverantörsfaktura {n}"\r\n{{\r\n')
        for k in range(min(10, transactions - n)):
            i = n + k
            out.write(f'#TRANS {4000 + i % accounts} {{1 "B{i % centres:03d}"}} {i % 9973 + 0.5:.2f} '
                      f'{year}{month:02d}15 "Rad {i}"\r\n')
        out.write("}\r\n")
    return out.getvalue().encode("cp437")


def measure_sie_import(transactions: int = 500_000, *, path=None) -> dict:
    """Imports a generated SIE file (or the file at `path`) streamed from disk and rolls it back; returns the
    seconds taken and the process's peak memory in MB."""
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".se") as tmp:
        if path is None:
            tmp.write(sie_file(transactions))
            tmp.flush()
            path = tmp.name
        start = time.perf_counter()
        with transaction.atomic():
            with open(path, "rb") as stream:
                summary = import_ledger(stream=stream, filename="bench.se")
            transaction.set_rollback(True)
        seconds = time.perf_counter() - start
    return {"transactions": transactions, "rows": summary.rows, "seconds": round(seconds, 1),
            "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}
