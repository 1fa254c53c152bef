"""Övervägande/omprövning's trigger-kept deadline items, registered with common.kept (from PlacementsConfig.ready)."""

from common.kept import KeptTable, register

from . import care_review_kept, care_review_sets

register(KeptTable(
    name="care_review", table=care_review_sets.KEPT, columns=care_review_sets.KEPT_COLUMNS,
    live_sql=care_review_kept.live_items_sql, triggers_like=("care\\_review\\_kept\\_%",)))
