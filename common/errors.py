"""Application errors that domain code raises and the web layer translates.

Services and selectors never raise HTTP exceptions: they say what happened in domain terms, a view
(through common.middleware_errors) answers 404, and a management command prints the message."""


class NotFound(Exception):  # noqa: N818 - the domain's word, not an HTTP status
    """The object does not exist or lies outside what the user may see. Both get the same answer, so
    the answer never tells whether something exists."""

    def __init__(self, message: str = ""):
        super().__init__(message)
        self.message = message
