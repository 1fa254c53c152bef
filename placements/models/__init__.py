from .catalogue import (
    Agreement,
    AgreementKind,
    AgreementPrice,
    CareType,
    PricingUnit,
    Provider,
    Regime,
    normalise_org_number,
)
from .placement import EndReason, IvoCheckResult, Placement, PricePeriod

__all__ = [
    "Agreement", "AgreementKind", "AgreementPrice", "CareType", "PricingUnit", "Provider", "Regime",
    "normalise_org_number", "EndReason", "IvoCheckResult", "Placement", "PricePeriod",
]
