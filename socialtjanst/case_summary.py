"""The printable case summary (issue 15 point 3): person, intakes with their assessments, investigations with
their deadlines, decisions and insatser, placements and the journal, as one print-ready page and as a PDF
rendered from the same template by WeasyPrint.

Placements live in the placements app, which socialtjanst never imports. Other apps add sections through the
registry below from a `case_summary` module, found like admin modules (the same pattern as
socialtjanst.retention's keep reasons): placements/case_summary.py registers the placements section.

Every page of the PDF carries "Sekretess enligt OSL 26 kap." (an @page margin box in static/css/print.css);
the print and the PDF are logged as exports with the person they concern (views/case_print.py).
"""

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from django.contrib.staticfiles import finders
from django.utils.module_loading import autodiscover_modules

from . import access
from .journal import journal_entries
from .models import Case
from .selectors import case_flow

SECRECY_MARKING = "Sekretess enligt OSL 26 kap."


@dataclass(frozen=True)
class SummarySection:
    """A table another app adds to the summary: `rows(case, user)` gives the rows under `header`, read
    through that app's own access rules."""

    key: str
    title: str
    header: Sequence[str]
    rows: Callable[[Case, object], list[Sequence]]
    empty: str = "Inget att visa."


_sections: list[SummarySection] = []
_discovered = False


def register_section(section: SummarySection) -> None:
    if all(s.key != section.key for s in _sections):
        _sections.append(section)


def sections() -> list[SummarySection]:
    global _discovered
    if not _discovered:
        autodiscover_modules("case_summary")  # placements/case_summary.py registers its section
        _discovered = True
    return list(_sections)


@dataclass(frozen=True)
class RenderedSection:
    title: str
    header: Sequence[str]
    rows: list[Sequence]
    empty: str


def case_summary(*, user, case: Case, today: datetime.date) -> dict:
    """Everything the summary shows, for a case the caller has already read through access.case_get_for_user.
    The identity is masked like on the case page (access.person_identity)."""
    return {
        "case": case,
        "identity": access.person_identity(user, case.person),
        "flow": case_flow(case, today=today),
        "extra_sections": [RenderedSection(s.title, s.header, s.rows(case, user), s.empty) for s in sections()],
        "entries": list(journal_entries(case)),
        "secrecy_marking": SECRECY_MARKING,
        "printed_on": today,
    }


def _static_only_fetcher():
    """WeasyPrint may read our own static files and nothing else: no file, host or address named in the
    page (a journal text is user input) is ever fetched."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            path = urlparse(url).path
            marker = "/static/"
            found = finders.find(path.split(marker, 1)[1]) if marker in path else None
            if not found:
                raise ValueError(f"Utskriften hämtar inte {url}")
            content_type = "text/css" if found.endswith(".css") else "application/octet-stream"
            return URLFetcherResponse(url, body=Path(found).read_bytes(), headers={"Content-Type": content_type})

    return StaticOnlyFetcher()


def case_summary_document(html: str):
    """The print page's HTML laid out as PDF pages by WeasyPrint (imported late: it loads Pango, which only
    this needs). `.write_pdf()` gives the file; each page's boxes can be read back."""
    from weasyprint import HTML

    return HTML(string=html, base_url="/", url_fetcher=_static_only_fetcher()).render()


def case_summary_pdf(html: str) -> bytes:
    return case_summary_document(html).write_pdf()
