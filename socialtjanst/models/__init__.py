from .audit import AccessAction, AccessEvent
from .case import Case
from .caseflow import (
    FAVOURABLE_DECISION_KINDS,
    Channel,
    ChildInterview,
    ConcernCategory,
    Decision,
    DecisionKind,
    EServiceClient,
    Intake,
    IntakeKind,
    Intervention,
    InterventionKind,
    Investigation,
    InvestigationExtension,
    InvestigationOutcome,
    LegalBasis,
    ReporterCategory,
    SafetyResult,
    Screening,
    ScreeningOutcome,
    Track,
)
from .org import TargetGroup, Unit, UnitMembership
from .person import Gender, IdKind, Person

__all__ = [
    "FAVOURABLE_DECISION_KINDS", "Channel", "ChildInterview", "ConcernCategory", "Decision", "DecisionKind",
    "EServiceClient", "Intake", "IntakeKind", "Intervention", "InterventionKind", "Investigation",
    "InvestigationExtension", "InvestigationOutcome", "LegalBasis", "ReporterCategory", "SafetyResult", "Screening",
    "ScreeningOutcome", "Track",
    "AccessAction", "AccessEvent", "Case", "Gender", "IdKind", "Person",
    "TargetGroup", "Unit", "UnitMembership",
]
