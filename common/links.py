"""Links to one object by its id, for the rows of a list: `reverse` walks the URL resolver for every call (about
20 µs), and Att göra's fifty Ofördelade rows alone made a hundred of them per request. Here each URL name is
reversed once (per script prefix) with a stand-in id, and a row's link is the id put in its place."""

import functools

from django.urls import get_script_prefix, reverse

_STAND_IN = 918273645546372819  # an id no table reaches, found exactly once in the reversed URL


@functools.lru_cache(maxsize=256)
def _around_id(name: str, prefix: str) -> tuple[str, str]:
    head, found, tail = reverse(name, args=[_STAND_IN]).partition(str(_STAND_IN))
    if not found or str(_STAND_IN) in tail:
        raise ValueError(f"{name} does not take one id")
    return head, tail


def object_url(name: str, pk: int) -> str:
    """reverse(name, args=[pk]) for a URL whose one argument is an integer id."""
    head, tail = _around_id(name, get_script_prefix())
    return f"{head}{int(pk)}{tail}"
