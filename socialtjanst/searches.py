"""Search terms never travel in a URL: a URL lands in the web server's log, the browser's history and a
proxy's, and a personnummer there is a leak the access log cannot see.

A search form posts its terms; they are kept in the user's session under a random token and the result
page, its sort and page links and its export carry only `?sok=<token>`. The token means nothing outside
that session, so a bookmarked result dies with the log-in. Fields that may hold a personnummer are
ignored when they come in the address.
"""

import secrets

from django.http import QueryDict
from django.shortcuts import redirect

SEARCH_PARAM = "sok"
SESSION_KEY = "ifo_searches"
KEPT_SEARCHES = 20  # a session keeps its latest searches, so it cannot grow without bound


def search_save(request, terms: dict[str, str]) -> str:
    token = secrets.token_urlsafe(12)
    kept = dict(request.session.get(SESSION_KEY, {}))
    kept[token] = terms
    request.session[SESSION_KEY] = dict(list(kept.items())[-KEPT_SEARCHES:])
    return token


def search_terms(request) -> dict[str, str]:
    """The terms saved under this request's ?sok= token; none for an unknown or expired token."""
    token = request.GET.get(SEARCH_PARAM, "")
    return dict(request.session.get(SESSION_KEY, {}).get(token, {}))


def filter_data(request, secret_fields: tuple[str, ...]) -> QueryDict | None:
    """A list's filter data: the address's parameters without the secret fields, plus the saved terms."""
    data = request.GET.copy()
    for name in (*secret_fields, SEARCH_PARAM):
        data.pop(name, None)
    for name, value in search_terms(request).items():
        data[name] = value
    return data or None


def criteria_of(data: QueryDict | None) -> dict[str, str]:
    """What the access log records of a search: the terms themselves, never the token."""
    return {k: v for k, v in (data or {}).items() if v and k != "page"}


class PostedSearchMixin:
    """For a FilterView: the filter form posts; the terms are saved and the browser is sent to ?sok=."""

    secret_fields: tuple[str, ...] = ()

    def post(self, request, *args, **kwargs):
        names = self.filterset_class.base_filters
        terms = {k: request.POST[k].strip() for k in names if request.POST.get(k, "").strip()}
        if not terms:
            return redirect(request.path)
        return redirect(f"{request.path}?{SEARCH_PARAM}={search_save(request, terms)}")

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["data"] = filter_data(self.request, self.secret_fields)
        return kwargs
