"""Placement screens (views.placements) and the controller's providers, agreements and price
lists (views.contracts)."""

from .contracts import (
    AgreementListView,
    AgreementPriceListView,
    ProviderListView,
    agreement_create,
    agreement_detail,
    agreement_update,
    agreementprice_create,
    agreementprice_update,
    provider_create,
    provider_update,
)
from .placements import (
    PlacementListView,
    payment_create,
    payment_delete,
    placement_create,
    placement_detail,
    placement_end,
    placement_export,
    placement_import,
    placement_move,
    price_period_create,
    terms_set,
)

__all__ = [
    "AgreementListView", "AgreementPriceListView", "PlacementListView", "ProviderListView", "agreement_create",
    "agreement_detail", "agreement_update", "agreementprice_create", "agreementprice_update", "payment_create",
    "payment_delete", "placement_create", "placement_detail", "placement_end", "placement_export",
    "placement_import", "placement_move", "price_period_create", "provider_create", "provider_update",
    "terms_set",
]
