from .audit import AccessAction, AccessEvent
from .case import Case
from .org import TargetGroup, Unit, UnitMembership
from .person import Gender, IdKind, Person

__all__ = [
    "AccessAction", "AccessEvent", "Case", "Gender", "IdKind", "Person",
    "TargetGroup", "Unit", "UnitMembership",
]
