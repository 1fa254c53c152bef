"""Sends the roll-up when a transaction that changed placements commits. The dirty marks
themselves are written by database triggers in the same transaction (migration 0002);
this only wakes the worker, and the reconciler covers what a signal cannot see (bulk updates)."""

from django.db.models.signals import post_delete, post_save

from placements.models import FosterCarePayment, Placement, PricePeriod
from placements.signals import placements_written

from .models import CostCentreMapping


def _wake_rollup(sender, **kwargs):
    from .tasks import rollup_dirty

    rollup_dirty.delay_on_commit()


def connect():
    for model in (Placement, PricePeriod, FosterCarePayment, CostCentreMapping):
        post_save.connect(_wake_rollup, sender=model, dispatch_uid=f"budget-rollup-{model.__name__}-save")
        post_delete.connect(_wake_rollup, sender=model, dispatch_uid=f"budget-rollup-{model.__name__}-delete")
    placements_written.connect(_wake_rollup, dispatch_uid="budget-rollup-placements-written")
