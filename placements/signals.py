"""Signals of the placements app for writes that send no model signal."""

from django.dispatch import Signal

# Sent once after the placement import has written placements or price periods in sets (bulk_create and
# queryset updates send no post_save): budget wakes its roll-up on it, as on a placement's post_save.
placements_written = Signal()
