"""A transaction that changes many placements wakes the roll-up once (common.queueing): an
import of a thousand rows is one message, and with Redis frozen one short timeout, not a thousand."""

from decimal import Decimal
from functools import partial

import pytest

from common.queueing import enqueue
from tests.budget.conftest import ensure_cost_centres
from tests.placements.factories import PlacementFactory, PricePeriodFactory

pytestmark = pytest.mark.django_db


def test_many_saves_in_one_transaction_send_one_wake_up(django_capture_on_commit_callbacks):
    ensure_cost_centres()
    with django_capture_on_commit_callbacks() as callbacks:
        for i in range(3):
            PricePeriodFactory(placement=PlacementFactory(), daily_price=Decimal(4000 + i))

    sends = [c for c in callbacks if isinstance(c, partial) and c.func is enqueue]
    assert [s.args[0].name for s in sends] == ["budget.tasks.rollup_dirty"]
