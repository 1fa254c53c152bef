"""The general ledger in the follow-up (issue 17): SIE 4 and CSV/XLSX import (sie.py, table.py, importing.py),
the account mapping (lines.py), the ledger reports (reports.py, report_defs.py) and the reconciliation with
the placements at closing (reconciliation.py). docs/ledger.md documents the formats."""
