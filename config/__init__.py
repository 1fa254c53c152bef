"""The project: settings, the root URL configuration, the Celery app and the WSGI/ASGI entry points.

Kept apart from the three domain apps (socialtjanst, placements, budget) and from the shared plumbing
(common); it is the only package that may import all of them."""

from .celery import app as celery_app

__all__ = ("celery_app",)
