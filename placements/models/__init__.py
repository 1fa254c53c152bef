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
from .invoices import InvoiceCheck, InvoiceLine
from .payments import AgeBand, FosterCarePayment, FosterCarePaymentKind, FosterCareRate
from .placement import EndReason, IvoCheckResult, Placement, PricePeriod

__all__ = [
    "Agreement", "AgreementKind", "AgreementPrice", "CareType", "PricingUnit", "Provider", "Regime",
    "normalise_org_number", "AgeBand", "FosterCarePayment", "FosterCarePaymentKind", "FosterCareRate", "EndReason",
    "IvoCheckResult", "Placement", "PricePeriod", "InvoiceCheck", "InvoiceLine",
]
