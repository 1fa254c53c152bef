from .assignment import CaseAssignment
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
from .controls import ControlKind, ControlResult, ControlRound
from .indicators import Assessment, Indicator, IndicatorComment, IndicatorDirection, IndicatorValue, Trend
from .journal import JournalDraft, JournalEntry, JournalKind
from .org import TargetGroup, Unit, UnitMembership
from .person import Gender, IdKind, Person
from .retention import CaseRetention, PersonaktActivity, RetentionCategory, RetentionRecord, RetentionRule
from .sign_in import ExternalIdentity

__all__ = [
    "CaseAssignment",
    "FAVOURABLE_DECISION_KINDS", "Channel", "ChildInterview", "ConcernCategory", "Decision", "DecisionKind",
    "EServiceClient", "Intake", "IntakeKind", "Intervention", "InterventionKind", "Investigation",
    "InvestigationExtension", "InvestigationOutcome", "LegalBasis", "ReporterCategory", "SafetyResult", "Screening",
    "ScreeningOutcome", "Track",
    "ControlKind", "ControlResult", "ControlRound",
    "Assessment", "Indicator", "IndicatorComment", "IndicatorDirection", "IndicatorValue", "Trend",
    "AccessAction", "AccessEvent", "Case", "Gender", "IdKind", "Person",
    "TargetGroup", "Unit", "UnitMembership",
    "CaseRetention", "PersonaktActivity", "RetentionCategory", "RetentionRecord", "RetentionRule",
    "ExternalIdentity",
    "JournalDraft", "JournalEntry", "JournalKind",
]
