"""Translates the domain's NotFound into the web's 404 (one place, so no service imports django.http)."""

from django.core.handlers.exception import response_for_exception
from django.http import Http404

from common.errors import NotFound


class DomainErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NotFound):
            # The same rendering, logging and handler404 as a view's own Http404.
            return response_for_exception(request, Http404(exception.message))
        return None
