"""Fakturakontroll (placements.invoices): expected amounts from the placements' own price periods
beside the invoiced amounts, the flags, the controller's pages and the Excel export."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from placements import invoices, selectors
from placements.invoices import InvoiceLineEntry
from placements.models import InvoiceCheck, InvoiceLine
from socialtjanst.models import AccessEvent
from tests.conftest import login
from tests.factories import PersonFactory
from tests.placements.factories import PlacementFactory, PricePeriodFactory, ProviderFactory, care_type

D = datetime.date
NBSP = "\xa0"
pytestmark = pytest.mark.django_db


def _placement(provider, start, end=None, *, prices, first_name):
    """A placement at `provider` with price periods [(valid_from, valid_to, daily_price), ...]."""
    placement = PlacementFactory(person=PersonFactory(first_name=first_name, last_name="Fakturasson"),
                                 care_type=care_type("HVB_BOU"), provider=provider, start_on=start, end_on=end)
    for valid_from, valid_to, price in prices:
        PricePeriodFactory(placement=placement, valid_from=valid_from, valid_to=valid_to, daily_price=Decimal(price))
    return placement


@pytest.fixture
def march(hvb_provider):
    """At one provider in March 2024: an HVB placement from 2024-03-10 at 5 000 kr/dygn; one whose price
    changes on 2024-03-16 (4 600 → 4 800); one with a price gap 2024-03-11–2024-03-20; one that ended in
    February. Another provider has a placement too."""
    return {
        "hvb": _placement(hvb_provider, D(2024, 3, 10), prices=[(D(2024, 3, 10), None, "5000")], first_name="Alfa"),
        "change": _placement(hvb_provider, D(2024, 2, 1), prices=[(D(2024, 2, 1), D(2024, 3, 16), "4600"),
                                                                 (D(2024, 3, 16), None, "4800")], first_name="Beta"),
        "gap": _placement(hvb_provider, D(2024, 3, 1), prices=[(D(2024, 3, 1), D(2024, 3, 11), "3000"),
                                                              (D(2024, 3, 21), None, "3000")], first_name="Gamma"),
        "ended": _placement(hvb_provider, D(2024, 1, 1), D(2024, 2, 20), prices=[(D(2024, 1, 1), None, "4000")],
                            first_name="Delta"),
        "elsewhere": _placement(ProviderFactory(name="Annat HVB AB"), D(2024, 3, 1),
                                prices=[(D(2024, 3, 1), None, "4500")], first_name="Epsilon"),
    }


@pytest.fixture
def check(controller, hvb_provider):
    return invoices.invoice_check_create(by=controller, provider=hvb_provider, month=D(2024, 3, 1),
                                         invoice_reference="F-2024-0311")


def _compare(user, check):
    return invoices.invoice_comparison(invoice_check=check, placements=selectors.placements_for_user(user))


def _rows(comparison):
    return {row.placement_id: row for row in comparison.rows}


def _cells(html):
    """The cells' HTML, layout whitespace collapsed (the no-break spaces of the numbers are kept)."""
    return [re.sub(r"[ \t\r\n]+", " ", cell).strip(" ")
            for cell in re.findall(r"<t[hd]\b[^>]*>(.*?)</t[hd]>", html, flags=re.S)]


def _page_table(page, placement_id):
    """The detail page's table as {column heading: cell} for one placement's row and for the totals row."""
    header = _cells(re.search(r"<thead\b.*?</thead>", page, flags=re.S).group(0))
    link = f'<a href="{reverse("placements:placement_detail", args=[placement_id])}">{placement_id}</a>'
    rows = re.findall(r"<tr\b[^>]*>(?:(?!</tr>).)*</tr>", re.search(r"<tbody\b.*?</tbody>", page, flags=re.S).group(0),
                      flags=re.S)
    (row,) = [r for r in rows if link in r]
    totals = _cells(re.search(r"<tfoot\b.*?</tfoot>", page, flags=re.S).group(0))
    return dict(zip(header, _cells(row), strict=True)), dict(zip(header, totals, strict=True))


# --- the rules -------------------------------------------------------------------------


def test_expected_amounts_differences_and_flags(controller, march, check):
    invoices.invoice_lines_save(by=controller, invoice_check=check, entries=[
        InvoiceLineEntry(placement=march["hvb"], invoiced_amount=Decimal("115000"), invoiced_days=22),
        InvoiceLineEntry(placement=march["change"], invoiced_amount=Decimal("145800.50"), invoiced_days=30),
    ])
    comparison = _compare(controller, check)
    rows = _rows(comparison)
    assert list(rows) == sorted([march["hvb"].pk, march["change"].pk, march["gap"].pk])

    hvb = rows[march["hvb"].pk]
    assert (hvb.first_day, hvb.last_day, hvb.days) == (D(2024, 3, 10), D(2024, 3, 31), 22)
    assert [pp.daily_price for pp in hvb.prices] == [Decimal("5000.00")]
    assert (hvb.expected, hvb.invoiced_amount, hvb.difference) == (Decimal("110000"), Decimal("115000"),
                                                                   Decimal("5000"))
    assert hvb.flags == (invoices.FLAG_DIFFERENCE,)

    # 15 dygn × 4 600 + 16 dygn × 4 800 = 145 800; 50 öre off is within the tolerance, 30 dygn is not 31.
    change = rows[march["change"].pk]
    assert (change.days, change.expected, change.difference) == (31, Decimal("145800"), Decimal("0.50"))
    assert [pp.daily_price for pp in change.prices] == [Decimal("4600.00"), Decimal("4800.00")]
    assert change.flags == (invoices.FLAG_DAYS_DIFFER,)

    # 2024-03-11–2024-03-20 has no price: 21 priced dygn × 3 000; not on the invoice.
    gap = rows[march["gap"].pk]
    assert (gap.days, gap.unpriced_days, gap.expected) == (31, 10, Decimal("63000"))
    assert (gap.invoiced_amount, gap.difference) == (None, None)
    assert gap.flags == ("saknar pris för 10 dygn", "ej fakturerad")

    assert comparison.expected_total == Decimal("318800")
    assert comparison.invoiced_total == Decimal("260800.50")
    assert comparison.difference_total == Decimal("5000.50")
    assert (comparison.days_total, comparison.invoiced_days_total) == (84, 52)
    assert [r.placement_id for r in comparison.not_invoiced] == [march["gap"].pk]
    assert comparison.not_invoiced_expected == Decimal("63000")
    assert comparison.flagged_count == 3


def test_an_invoiced_placement_without_days_or_at_another_provider_is_flagged(controller, march, check):
    invoices.invoice_lines_save(by=controller, invoice_check=check, entries=[
        InvoiceLineEntry(placement=march["ended"], invoiced_amount=Decimal("12000"), invoiced_days=3),
        InvoiceLineEntry(placement=march["elsewhere"], invoiced_amount=Decimal("139500"), invoiced_days=31),
    ])
    rows = _rows(_compare(controller, check))
    ended = rows[march["ended"].pk]
    assert (ended.days, ended.expected, ended.difference) == (0, Decimal(0), Decimal("12000"))
    assert ended.flags == (invoices.FLAG_NO_DAYS, invoices.FLAG_DAYS_DIFFER, invoices.FLAG_DIFFERENCE)
    elsewhere = rows[march["elsewhere"].pk]
    assert (elsewhere.days, elsewhere.expected, elsewhere.difference) == (31, Decimal("139500"), Decimal(0))
    assert elsewhere.flags == (invoices.FLAG_OTHER_PROVIDER,)


def test_a_voided_placement_on_the_invoice_is_not_found(controller, march, check):
    invoices.invoice_lines_save(by=controller, invoice_check=check, entries=[
        InvoiceLineEntry(placement=march["hvb"], invoiced_amount=Decimal("110000"))])
    type(march["hvb"]).objects.filter(pk=march["hvb"].pk).update(voided_reason="Felregistrerad")
    row = _rows(_compare(controller, check))[march["hvb"].pk]
    assert (row.placement, row.expected, row.difference) == (None, Decimal(0), Decimal("110000"))
    assert row.flags == (invoices.FLAG_NOT_FOUND, invoices.FLAG_DIFFERENCE)


def test_a_placement_on_another_invoice_of_the_month_says_which(controller, hvb_provider, march, check):
    other = invoices.invoice_check_create(by=controller, provider=hvb_provider, month=D(2024, 3, 15),
                                          invoice_reference="F-2024-0312")
    assert other.month == D(2024, 3, 1)
    invoices.invoice_lines_save(by=controller, invoice_check=other, entries=[
        InvoiceLineEntry(placement=march["gap"], invoiced_amount=Decimal("63000"))])
    row = _rows(_compare(controller, check))[march["gap"].pk]
    assert row.flags == ("saknar pris för 10 dygn", "fakturerad på faktura F-2024-0312")


def test_comparison_query_count(controller, march, check, django_assert_num_queries):
    check = InvoiceCheck.objects.get(pk=check.pk)
    placements = selectors.placements_for_user(controller)  # the permission lookups are cached afterwards
    placements.exists()
    with django_assert_num_queries(5):
        invoices.invoice_comparison(invoice_check=check, placements=placements)


# --- the writes ------------------------------------------------------------------------


def test_the_same_invoice_twice_is_refused_in_swedish(controller, hvb_provider, check):
    with pytest.raises(ValidationError) as err:
        invoices.invoice_check_create(by=controller, provider=hvb_provider, month=D(2024, 3, 31),
                                      invoice_reference=" F-2024-0311 ")
    assert err.value.messages == [invoices.CHECK_TAKEN]
    assert InvoiceCheck.objects.count() == 1


def test_a_line_once_entered_keeps_an_amount(controller, march, check):
    invoices.invoice_lines_save(by=controller, invoice_check=check, entries=[
        InvoiceLineEntry(placement=march["hvb"], invoiced_amount=Decimal("110000"), invoiced_days=22)])
    with pytest.raises(ValidationError) as err:
        invoices.invoice_lines_save(by=controller, invoice_check=check, entries=[
            InvoiceLineEntry(placement=march["gap"], invoiced_amount=Decimal("1")),
            InvoiceLineEntry(placement=march["hvb"], invoiced_amount=None)])
    assert err.value.messages == [invoices.LINE_AMOUNT_REQUIRED.format(pk=march["hvb"].pk)]
    assert list(InvoiceLine.objects.values_list("placement_id", "invoiced_amount")) == [
        (march["hvb"].pk, Decimal("110000.00"))]


def test_saving_unchanged_lines_changes_nothing(controller, march, check):
    entries = [InvoiceLineEntry(placement=march["hvb"], invoiced_amount=Decimal("110000"), invoiced_days=22),
               InvoiceLineEntry(placement=march["gap"], invoiced_amount=None)]
    assert invoices.invoice_lines_save(by=controller, invoice_check=check, entries=entries) == 1
    assert invoices.invoice_lines_save(by=controller, invoice_check=check, entries=entries) == 0
    assert AccessEvent.objects.filter(object_type="InvoiceCheck", action="change").count() == 1


def test_only_the_controller_writes(handlaggare, hvb_provider):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        invoices.invoice_check_create(by=handlaggare, provider=hvb_provider, month=D(2024, 3, 1),
                                      invoice_reference="X")
    assert InvoiceCheck.objects.count() == 0


# --- the pages -------------------------------------------------------------------------


def test_controller_creates_a_check_and_enters_the_invoice(controller, hvb_provider, march):
    client = login(controller)
    response = client.post(reverse("placements:invoicecheck_create"), {
        "provider": hvb_provider.pk, "month": "2024-03", "invoice_reference": "F-2024-0311"})
    check = InvoiceCheck.objects.get()
    assert response["Location"] == reverse("placements:invoicecheck_detail", args=[check.pk])
    assert (check.month, check.created_by) == (D(2024, 3, 1), controller)

    hvb, change = march["hvb"].pk, march["change"].pk
    response = client.post(reverse("placements:invoicecheck_update", args=[check.pk]), {
        f"p{hvb}-invoiced_amount": "115 000,00", f"p{hvb}-invoiced_days": "22", f"p{hvb}-comment": "=SUM(A1)",
        f"p{change}-invoiced_amount": "145800", f"p{change}-invoiced_days": "31",
    })
    assert response.status_code == 302
    assert sorted(InvoiceLine.objects.values_list("placement_id", "invoiced_amount", "invoiced_days")) == sorted([
        (hvb, Decimal("115000.00"), 22), (change, Decimal("145800.00"), 31)])

    page = client.get(reverse("placements:invoicecheck_detail", args=[check.pk])).content.decode()
    assert f"110{NBSP}000,00" in page  # expected
    assert f'value="115{NBSP}000,00"' in page  # the entered amount, in its row's form
    assert f"5{NBSP}000,00" in page and "differens över 1 kr" in page
    # The 5 000 kr is hvb's difference (115 000 − 110 000), not its daily price; change's is 145 800 − 145 800.
    hvb_row, totals = _page_table(page, hvb)
    assert hvb_row["Differens (kr)"] == f"5{NBSP}000,00"
    assert hvb_row["Förväntat belopp (kr)"] == f"110{NBSP}000,00"
    assert "differens över 1 kr" in hvb_row["Anmärkning"]
    assert _page_table(page, change)[0]["Differens (kr)"] == "0,00"
    assert totals["Differens (kr)"] == f"5{NBSP}000,00"
    assert (totals["Förväntat belopp (kr)"], totals["Fakturerat belopp (kr)"]) == (f"318{NBSP}800,00",
                                                                                   f"260{NBSP}800,00")
    assert f"318{NBSP}800,00" in page and f"260{NBSP}800,00" in page  # totals row
    assert "ej fakturerad" in page and "saknar pris för 10 dygn" in page
    assert "2024-03-10–2024-03-31" in page
    assert f"4{NBSP}600,00 / 4{NBSP}800,00" in page


def test_controller_sees_no_names_or_personnummer(controller, march, check):
    page = login(controller).get(reverse("placements:invoicecheck_detail", args=[check.pk])).content.decode()
    assert "HVB barn och unga" in page
    for placement in (march["hvb"], march["change"], march["gap"]):
        assert f">{placement.pk}</a>" in page
        assert placement.person.first_name not in page
        assert placement.person.id_number not in page
    assert "Personnummer" not in page and "Fakturasson" not in page


def test_controller_with_the_identity_permission_sees_names(controller, march, check):
    controller.user_permissions.add(Permission.objects.get(codename="view_placement_identity"))
    page = login(controller).get(reverse("placements:invoicecheck_detail", args=[check.pk])).content.decode()
    assert "Personnummer" in page and march["hvb"].person.id_number in page


def test_viewing_the_check_is_logged_with_the_persons(controller, march, check):
    login(controller).get(reverse("placements:invoicecheck_detail", args=[check.pk]))
    event = AccessEvent.objects.get(object_type="InvoiceCheck", action="view")
    assert (event.object_id, event.person_ids) == (check.pk, sorted(
        march[k].person_id for k in ("hvb", "change", "gap")))


def test_a_placement_number_from_the_invoice_is_added_and_flagged(controller, march, check):
    client = login(controller)
    url = reverse("placements:invoiceline_create", args=[check.pk])
    response = client.post(url, {"ny-placement": march["ended"].pk, "ny-invoiced_amount": "12 000",
                                 "ny-invoiced_days": "3"})
    assert response.status_code == 302
    page = client.get(reverse("placements:invoicecheck_detail", args=[check.pk])).content.decode()
    assert invoices.FLAG_NO_DAYS in page
    response = client.post(url, {"ny-placement": "999999", "ny-invoiced_amount": "1"})
    assert "Placeringen finns inte." in response.content.decode()
    assert InvoiceLine.objects.count() == 1


def test_handlaggare_gets_404_everywhere(handlaggare, check):
    client = login(handlaggare)
    for url in [reverse("placements:invoicecheck_list"), reverse("placements:invoicecheck_create"),
                reverse("placements:invoicecheck_detail", args=[check.pk]),
                reverse("placements:invoicecheck_export", args=[check.pk])]:
        assert client.get(url).status_code == 404, url
    for url in [reverse("placements:invoicecheck_update", args=[check.pk]),
                reverse("placements:invoiceline_create", args=[check.pk])]:
        assert client.post(url, {}).status_code == 404, url


def test_list_filters_by_provider_and_month(controller, hvb_provider, check):
    other = ProviderFactory(name="Björkens stödboende AB")
    invoices.invoice_check_create(by=controller, provider=other, month=D(2024, 4, 1), invoice_reference="B-77")
    client = login(controller)
    url = reverse("placements:invoicecheck_list")
    page = client.get(url).content.decode()
    assert "F-2024-0311" in page and "B-77" in page
    page = client.get(url, {"provider": other.pk}).content.decode()
    assert "F-2024-0311" not in page and "B-77" in page
    page = client.get(url, {"month": "2024-03"}).content.decode()
    assert "F-2024-0311" in page and "B-77" not in page


def test_controller_finds_fakturakontroll_from_providers_and_placements(controller):
    client = login(controller)
    link = f'href="{reverse("placements:invoicecheck_list")}">Fakturakontroll</a>'
    assert link in client.get(reverse("placements:provider_list")).content.decode()
    assert link in client.get(reverse("placements:placement_list")).content.decode()


def test_export_has_numbers_as_numbers_and_escaped_text(controller, march, check):
    invoices.invoice_lines_save(by=controller, invoice_check=check, entries=[
        InvoiceLineEntry(placement=march["hvb"], invoiced_amount=Decimal("115000"), invoiced_days=22,
                         comment="=HYPERLINK(\"x\")")])
    response = login(controller).get(reverse("placements:invoicecheck_export", args=[check.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    assert "Namn" not in header and "Personnummer" not in header
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)}
    hvb = rows[march["hvb"].pk]
    assert (hvb["Dygn"], hvb["À-pris (kr)"], hvb["Förväntat belopp (kr)"], hvb["Fakturerat belopp (kr)"],
            hvb["Fakturerade dygn"], hvb["Differens (kr)"]) == (22, 5000, 110000, 115000, 22, 5000)
    assert isinstance(hvb["Förväntat belopp (kr)"], int | float)
    assert hvb["Kommentar"] == "'=HYPERLINK(\"x\")"
    assert hvb["Anmärkning"] == "differens över 1 kr"
    assert rows[march["gap"].pk]["Dygn som saknar pris"] == 10
    assert rows["Summa"]["Förväntat belopp (kr)"] == 318800
    assert AccessEvent.objects.filter(object_type="InvoiceCheck", action="export").count() == 1
