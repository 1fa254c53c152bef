from .care_plans import CarePlan, CarePlanKind, NotificationEvent, NotificationRecipient, PlacementNotification
from .care_review import CareReview, CareReviewKind, CareReviewOutcome, ChildContact, ChildContactKind
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
from .lilla_hjartat import (
    CustodyTransferConsideration,
    CustodyTransferOutcome,
    LvuFollowUp,
    MoveParticipation,
    RemovalBanConsideration,
    RemovalBanOutcome,
)
from .payments import (
    AgeBand,
    ExpensesBand,
    FeeKind,
    FosterCareFeeLevel,
    FosterCarePayment,
    FosterCarePaymentKind,
    FosterCareRate,
    FosterCareTerms,
    PriceBaseAmount,
)
from .placement import EndReason, IvoCheckResult, Placement, PricePeriod

__all__ = [
    "Agreement", "AgreementKind", "AgreementPrice", "CareType", "PricingUnit", "Provider", "Regime",
    "normalise_org_number", "AgeBand", "FosterCarePayment", "FosterCarePaymentKind", "FosterCareRate",
    "ExpensesBand", "FeeKind", "FosterCareFeeLevel", "FosterCareTerms", "PriceBaseAmount", "EndReason",
    "IvoCheckResult", "Placement", "PricePeriod", "InvoiceCheck", "InvoiceLine",
    "CareReview", "CareReviewKind", "CareReviewOutcome", "ChildContact", "ChildContactKind",
    "CarePlan", "CarePlanKind", "NotificationEvent", "NotificationRecipient", "PlacementNotification",
    "CustodyTransferConsideration", "CustodyTransferOutcome", "LvuFollowUp", "MoveParticipation",
    "RemovalBanConsideration", "RemovalBanOutcome",
]
