"""The date window (issue 12, common.date_window): placements, prices, agreements, rates, payments and
invoice months within the roll-up's years 2000…2100, so no absurd date marks thousands of months dirty.

NOT VALID (common.migration_ops): new rows are held to the window, rows stored before it stay and
are shown with the marker, so migrate never fails on an old database."""

import datetime

from django.db import migrations, models

from common.migration_ops import AddConstraintNotValid


class Migration(migrations.Migration):
    dependencies = [("placements", "0007_invoice_checks")]
    operations = [
        AddConstraintNotValid(
            model_name="agreement",
            constraint=models.CheckConstraint(condition=models.Q(("valid_from__gte", datetime.date(2000, 1, 1)), ("valid_from__lte", datetime.date(2100, 12, 31))), name="agreement_valid_from_in_window"),
        ),
        AddConstraintNotValid(
            model_name="agreement",
            constraint=models.CheckConstraint(condition=models.Q(("valid_to__isnull", True), models.Q(("valid_to__gte", datetime.date(2000, 1, 1)), ("valid_to__lte", datetime.date(2100, 12, 31))), _connector="OR"), name="agreement_valid_to_in_window"),
        ),
        AddConstraintNotValid(
            model_name="agreementprice",
            constraint=models.CheckConstraint(condition=models.Q(("valid_from__gte", datetime.date(2000, 1, 1)), ("valid_from__lte", datetime.date(2100, 12, 31))), name="agreementprice_valid_from_in_window"),
        ),
        AddConstraintNotValid(
            model_name="fostercarepayment",
            constraint=models.CheckConstraint(condition=models.Q(("month__gte", datetime.date(2000, 1, 1)), ("month__lte", datetime.date(2100, 12, 31))), name="fostercarepayment_month_in_window"),
        ),
        AddConstraintNotValid(
            model_name="fostercarerate",
            constraint=models.CheckConstraint(condition=models.Q(("valid_from__gte", datetime.date(2000, 1, 1)), ("valid_from__lte", datetime.date(2100, 12, 31))), name="fostercarerate_valid_from_in_window"),
        ),
        AddConstraintNotValid(
            model_name="invoicecheck",
            constraint=models.CheckConstraint(condition=models.Q(("month__gte", datetime.date(2000, 1, 1)), ("month__lte", datetime.date(2100, 12, 31))), name="invoicecheck_month_in_window"),
        ),
        AddConstraintNotValid(
            model_name="placement",
            constraint=models.CheckConstraint(condition=models.Q(("start_on__gte", datetime.date(2000, 1, 1)), ("start_on__lte", datetime.date(2100, 12, 31))), name="placement_start_on_in_window"),
        ),
        AddConstraintNotValid(
            model_name="placement",
            constraint=models.CheckConstraint(condition=models.Q(("end_on__isnull", True), models.Q(("end_on__gte", datetime.date(2000, 1, 1)), ("end_on__lte", datetime.date(2100, 12, 31))), _connector="OR"), name="placement_end_on_in_window"),
        ),
        AddConstraintNotValid(
            model_name="placement",
            constraint=models.CheckConstraint(condition=models.Q(("ivo_checked_on__isnull", True), models.Q(("ivo_checked_on__gte", datetime.date(1900, 1, 1)), ("ivo_checked_on__lte", datetime.date(2100, 12, 31))), _connector="OR"), name="placement_ivo_checked_on_in_window"),
        ),
        AddConstraintNotValid(
            model_name="priceperiod",
            constraint=models.CheckConstraint(condition=models.Q(("valid_from__gte", datetime.date(2000, 1, 1)), ("valid_from__lte", datetime.date(2100, 12, 31))), name="priceperiod_valid_from_in_window"),
        ),
        AddConstraintNotValid(
            model_name="priceperiod",
            constraint=models.CheckConstraint(condition=models.Q(("valid_to__isnull", True), models.Q(("valid_to__gte", datetime.date(2000, 1, 1)), ("valid_to__lte", datetime.date(2101, 1, 1))), _connector="OR"), name="priceperiod_valid_to_in_window"),
        ),
        AddConstraintNotValid(
            model_name="provider",
            constraint=models.CheckConstraint(condition=models.Q(("ivo_permit_valid_until__isnull", True), models.Q(("ivo_permit_valid_until__gte", datetime.date(2000, 1, 1)), ("ivo_permit_valid_until__lte", datetime.date(2100, 12, 31))), _connector="OR"), name="provider_ivo_permit_valid_until_in_window"),
        ),
    ]
