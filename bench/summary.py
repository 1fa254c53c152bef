"""`make bench`'s closing table (issue 19 point 4): every figure the issue lists, with its target and its ratio to
a reference measured in the same run, in one place at the end of the output.

The parts of the bench run as separate processes (bench.importing, bench.run, bench.pages, bench.load); each
appends its figures to the file named by BENCH_SUMMARY (one JSON object a line) with `record()`, and
scripts/bench.sh prints the table with `python -m bench.summary FILE` when every part has run. Without
BENCH_SUMMARY (a part run by hand) `record()` does nothing. Figures only: nothing here fails on time.
"""

import json
import os
import sys


def record(label: str, value: float, *, unit: str = "s", target: float | None = None, reference: float | None = None,
           reference_label: str = "", ratio_label: str = "") -> None:
    """One figure: `value` (seconds, or milliseconds with unit="ms"), issue 19's target in the same unit (None:
    none), and the reference's value (same unit) it is compared with; the ratio printed is value / reference."""
    path = os.environ.get("BENCH_SUMMARY")
    if not path:
        return
    row = {"label": label, "value": value, "unit": unit, "target": target, "reference": reference,
           "reference_label": reference_label, "ratio_label": ratio_label}
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(row, ensure_ascii=False) + "\n")


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    if unit == "ms":
        return f"{value:,.0f} ms".replace(",", " ")
    if unit != "s":  # a share in per cent, cores
        return f"{value:.2f} {unit}".replace(".", ",") if value < 10 else f"{value:.0f} {unit}"
    return (f"{value:.3f} s" if value < 10 else f"{value:.1f} s").replace(".", ",")


def _times(ratio: float) -> str:
    return (f"{ratio:.0f}×" if ratio >= 10 else f"{ratio:.1f}×").replace(".", ",")


def _ratio(value: float, reference: float | None) -> str:
    """'118× snabbare' when the figure beats its reference, '9,7× långsammare' when not."""
    if not reference or not value:
        return ""
    if value <= reference:
        return f"{_times(reference / value)} snabbare"
    return f"{_times(value / reference)} långsammare"


def _met(value: float, target: float | None) -> str:
    if target is None:
        return ""
    return "ja" if value <= target else "NEJ"


def table(rows: list[dict]) -> list[str]:
    lines = [
        "Issue 19 i siffror / figures — mål och kvot mot en referens i samma körning (inget avgörs på tid)",
        "=" * 152,
        f"{'Mätning / measurement':<58}{'värde':>10}{'mål':>10}{'inom':>6}{'referens':>11}{'kvot':>20}   referensen är",
        "-" * 152,
    ]
    for r in rows:
        target = f"≤ {_number(r['target'], r['unit'])}" if r["target"] is not None else ""
        reference_label = r["reference_label"] + (f" ({r['ratio_label']})" if r.get("ratio_label") else "")
        lines.append(f"{r['label']:<58}{_number(r['value'], r['unit']):>10}{target:>10}"
                     f"{_met(r['value'], r['target']):>6}{_number(r['reference'], r['unit']):>11}"
                     f"{_ratio(r['value'], r['reference']):>20}   {reference_label}")
    lines.append("-" * 152)
    lines.append("kvot: hur mycket snabbare eller långsammare än referensen; mål enligt issue 19; inom = målet nått.")
    return lines


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or not os.path.exists(argv[0]):
        print("Ingen sammanställning (BENCH_SUMMARY saknas).")
        return 0
    with open(argv[0], encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    print("")
    print("\n".join(table(rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
