"""SIE 4 and CSV files for the ledger tests, written as an economy system writes them (CP437, CR LF)."""

HEADER = """#FLAGGA 0
#FORMAT PC8
#SIETYP 4
#PROGRAM "Ekonomisystemet" 1.0
#FNAMN "Uppsala kommun"
#RAR 0 {year}0101 {year}1231
#RAR -1 {prev}0101 {prev}1231
#DIM 1 "Ansvar"
#DIM 6 "Projekt"
"""


def sie(body: str, *, year: int = 2024, fmt: str = "PC8") -> bytes:
    text = HEADER.format(year=year, prev=year - 1).replace("#FORMAT PC8", f"#FORMAT {fmt}") + body
    return text.replace("\n", "\r\n").encode("cp437")


def csv_file(rows: list[tuple], header: str = "år;månad;verksamhet;konto;belopp;motpart") -> bytes:
    lines = [header] + [";".join(str(v) for v in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")
