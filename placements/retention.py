"""Why gallring (socialtjanst.retention) keeps a personakt that has placements. Found by the registry's
autodiscovery, so socialtjanst never imports placements.

- A child's placement in familjehem, HVB or other private home is never gallrad (SoL 12 kap. 2 §): every
  heldygn care type for barn och unga (familjehem of every kind, jourhem, HVB, stödboende, SiS), counted also
  when voided, since keeping too much is the safe mistake here.
- Any other placement keeps its personakt too: placements, their prices and payments feed the monthly facts
  and closings, and deleting one would book a correction against months already closed."""

from socialtjanst.models import RetentionCategory, TargetGroup
from socialtjanst.retention import register_keep_reason

from .models import Placement


def child_placement_person_ids():
    return Placement.objects.filter(care_type__target_group=TargetGroup.CHILDREN,
                                    care_type__is_24h=True).values_list("person_id", flat=True)


def placement_person_ids():
    return Placement.objects.values_list("person_id", flat=True)


register_keep_reason(category=RetentionCategory.CHILD_PLACEMENT, person_ids=child_placement_person_ids)
register_keep_reason(category=RetentionCategory.PLACEMENT_ACCOUNTS, person_ids=placement_person_ids)
