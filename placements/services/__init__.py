"""Writes of the placements app, split by sub-domain: placements (register, move, end, prices),
prices (first price periods at avrop and from SKR levels), payments (familjehem payments) and
contracts (providers, agreements, price lists). Everything public, messages included (so tests can
assert them), is re-exported here: callers write `services.placement_create`."""

from .contracts import *  # noqa: F403
from .contracts import _provider_create  # noqa: F401  (used by importing)
from .payments import *  # noqa: F403
from .placements import *  # noqa: F403
from .placements import _create, _save  # noqa: F401  (used by importing)
from .prices import agreement_price_periods, foster_care_rate_periods, initial_price_periods  # noqa: F401
