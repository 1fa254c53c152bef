"""Which report line an account belongs to: Kommun-Bas by default (class 3 intäkter, classes 4–7
kostnader, the rest not counted), changed per account or range on the controller's screen
(AccountMapping; the narrowest range containing the account wins). Kommunbidrag and internal revenue
are mapped to 'exkluderad' there, so no report counts them."""

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import AccountMapping, LedgerLine
from ..models.ledger import ACCOUNT_MAX, ACCOUNT_MIN

RANGE_INVALID = (f"Kontointervallet ska ligga inom {ACCOUNT_MIN}–{ACCOUNT_MAX} och 'från' får inte vara större "
                 "än 'till'.")
MAPPING_SAVED = "Konto {account_from}–{account_to} räknas som {line}."
MAPPING_REMOVED = "Konto {account_from}–{account_to} följer Kommun-Bas igen."


def default_line(account: int) -> str | None:
    """Kommun-Bas: 3xxx verksamhetens intäkter, 4xxx–7xxx verksamhetens kostnader; 1–2 and 8–9 are not counted."""
    if 3000 <= account <= 3999:
        return LedgerLine.REVENUE
    if 4000 <= account <= 7999:
        return LedgerLine.COST
    return None


class AccountLines:
    """The mapping as it stands, read once: `line(account)` → 'intakt', 'kostnad' or None (not counted)."""

    def __init__(self):
        self._ranges = sorted(AccountMapping.objects.values_list("account_from", "account_to", "line"),
                              key=lambda r: r[1] - r[0])
        self._cache: dict[int, str | None] = {}

    def line(self, account: int) -> str | None:
        if account not in self._cache:
            found = next((line for lo, hi, line in self._ranges if lo <= account <= hi), None)
            if found is None:
                found = default_line(account)
            self._cache[account] = None if found == LedgerLine.EXCLUDED else found
        return self._cache[account]


def mapping_rows() -> list[AccountMapping]:
    return list(AccountMapping.objects.order_by("account_from", "account_to"))


@transaction.atomic
def set_mapping(*, by, account_from: int, account_to: int, line: str) -> AccountMapping:
    if not (ACCOUNT_MIN <= account_from <= account_to <= ACCOUNT_MAX):
        raise ValidationError(RANGE_INVALID)
    mapping, _ = AccountMapping.objects.update_or_create(
        account_from=account_from, account_to=account_to, defaults={"line": line, "changed_by": by})
    return mapping


@transaction.atomic
def remove_mapping(*, mapping_id: int) -> AccountMapping | None:
    mapping = AccountMapping.objects.filter(pk=mapping_id).first()
    if mapping is not None:
        mapping.delete()
    return mapping
