"""The demo municipality's Följa vården (placements/demo_followup.py): believable follow-up, not every child owed."""

import pytest
from django.utils import timezone

from placements.care_review_sets import children_past_due
from placements.clock_queries import care_clock_placements
from placements.demo import load_demo_placements
from placements.demo_followup import load_demo_followup
from placements.models import CarePlan, CareReview, Placement
from socialtjanst.demo import load_demo

pytestmark = pytest.mark.django_db


def test_the_demo_children_have_follow_up_with_a_few_behind_and_a_rerun_adds_nothing():
    load_demo()
    load_demo_placements()
    first = load_demo_followup()
    assert first["placements"] >= 50
    assert min(first["reviews"], first["contacts"], first["plans"], first["notifications"]) > 0
    assert load_demo_followup() == dict.fromkeys(first, 0)

    today = timezone.localdate()
    ongoing = care_clock_placements(today).count()
    owed = len(children_past_due(Placement.objects.all(), today))
    assert ongoing >= 30
    assert 0 < owed <= ongoing // 4  # some children behind, most followed on time
    # Each review is journalled in the child's case, as a real one.
    assert not CareReview.objects.filter(journal_entry__isnull=True).exists()
    # A moved child's clock runs on from the previous home (as placement_move does).
    assert Placement.objects.filter(review_clock_from__isnull=False).exists()
    assert CarePlan.objects.filter(kind="genomforandeplan").count() > 0
