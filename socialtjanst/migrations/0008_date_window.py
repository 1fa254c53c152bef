"""The date window (issue 12, common.date_window): every case date within 1900-01-01…2100-12-31.

Fixed literals, since a CHECK cannot use now(); the forms hold the narrower window that moves with today.

NOT VALID (common.migration_ops): new rows are held to the window, rows stored before it stay and
are shown with the marker, so migrate never fails on an old database."""

import datetime

from django.db import migrations, models

from common.migration_ops import AddConstraintNotValid


class Migration(migrations.Migration):
    dependencies = [("socialtjanst", "0007_access_actions")]
    operations = [
        AddConstraintNotValid(
            model_name="case",
            constraint=models.CheckConstraint(condition=models.Q(("opened_on__gte", datetime.date(1900, 1, 1)), ("opened_on__lte", datetime.date(2100, 12, 31))), name="case_opened_on_in_window"),
        ),
        AddConstraintNotValid(
            model_name="case",
            constraint=models.CheckConstraint(condition=models.Q(("closed_on__isnull", True), models.Q(("closed_on__gte", datetime.date(1900, 1, 1)), ("closed_on__lte", datetime.date(2100, 12, 31))), _connector="OR"), name="case_closed_on_in_window"),
        ),
        AddConstraintNotValid(
            model_name="childinterview",
            constraint=models.CheckConstraint(condition=models.Q(("held_on__isnull", True), models.Q(("held_on__gte", datetime.date(1900, 1, 1)), ("held_on__lte", datetime.date(2100, 12, 31))), _connector="OR"), name="childinterview_held_on_in_window"),
        ),
        AddConstraintNotValid(
            model_name="controlround",
            constraint=models.CheckConstraint(condition=models.Q(("period_from__gte", datetime.date(1900, 1, 1)), ("period_from__lte", datetime.date(2100, 12, 31))), name="controlround_period_from_in_window"),
        ),
        AddConstraintNotValid(
            model_name="controlround",
            constraint=models.CheckConstraint(condition=models.Q(("period_to__gte", datetime.date(1900, 1, 1)), ("period_to__lte", datetime.date(2100, 12, 31))), name="controlround_period_to_in_window"),
        ),
        AddConstraintNotValid(
            model_name="decision",
            constraint=models.CheckConstraint(condition=models.Q(("decided_on__gte", datetime.date(1900, 1, 1)), ("decided_on__lte", datetime.date(2100, 12, 31))), name="decision_decided_on_in_window"),
        ),
        AddConstraintNotValid(
            model_name="intake",
            constraint=models.CheckConstraint(condition=models.Q(("received_at__gte", datetime.datetime(1900, 1, 1, 0, 0, tzinfo=datetime.timezone.utc)), ("received_at__lt", datetime.datetime(2101, 1, 1, 0, 0, tzinfo=datetime.timezone.utc))), name="intake_received_at_in_window"),
        ),
        AddConstraintNotValid(
            model_name="intake",
            constraint=models.CheckConstraint(condition=models.Q(("received_on__gte", datetime.date(1900, 1, 1)), ("received_on__lte", datetime.date(2100, 12, 31))), name="intake_received_on_in_window"),
        ),
        AddConstraintNotValid(
            model_name="intake",
            constraint=models.CheckConstraint(condition=models.Q(("safety_assessed_on__isnull", True), models.Q(("safety_assessed_on__gte", datetime.date(1900, 1, 1)), ("safety_assessed_on__lte", datetime.date(2100, 12, 31))), _connector="OR"), name="intake_safety_assessed_on_in_window"),
        ),
        AddConstraintNotValid(
            model_name="intervention",
            constraint=models.CheckConstraint(condition=models.Q(("started_on__isnull", True), models.Q(("started_on__gte", datetime.date(1900, 1, 1)), ("started_on__lte", datetime.date(2100, 12, 31))), _connector="OR"), name="intervention_started_on_in_window"),
        ),
        AddConstraintNotValid(
            model_name="intervention",
            constraint=models.CheckConstraint(condition=models.Q(("ended_on__isnull", True), models.Q(("ended_on__gte", datetime.date(1900, 1, 1)), ("ended_on__lte", datetime.date(2100, 12, 31))), _connector="OR"), name="intervention_ended_on_in_window"),
        ),
        AddConstraintNotValid(
            model_name="investigation",
            constraint=models.CheckConstraint(condition=models.Q(("started_on__gte", datetime.date(1900, 1, 1)), ("started_on__lte", datetime.date(2100, 12, 31))), name="investigation_started_on_in_window"),
        ),
        AddConstraintNotValid(
            model_name="investigation",
            constraint=models.CheckConstraint(condition=models.Q(("completed_on__isnull", True), models.Q(("completed_on__gte", datetime.date(1900, 1, 1)), ("completed_on__lte", datetime.date(2100, 12, 31))), _connector="OR"), name="investigation_completed_on_in_window"),
        ),
        AddConstraintNotValid(
            model_name="investigationextension",
            constraint=models.CheckConstraint(condition=models.Q(("decided_on__gte", datetime.date(1900, 1, 1)), ("decided_on__lte", datetime.date(2100, 12, 31))), name="investigationextension_decided_on_in_window"),
        ),
        AddConstraintNotValid(
            model_name="investigationextension",
            constraint=models.CheckConstraint(condition=models.Q(("new_due_on__gte", datetime.date(1900, 1, 1)), ("new_due_on__lte", datetime.date(2100, 12, 31))), name="investigationextension_new_due_on_in_window"),
        ),
        AddConstraintNotValid(
            model_name="person",
            constraint=models.CheckConstraint(condition=models.Q(("birth_date__isnull", True), models.Q(("birth_date__gte", datetime.date(1900, 1, 1)), ("birth_date__lte", datetime.date(2100, 12, 31))), _connector="OR"), name="person_birth_date_in_window"),
        ),
        AddConstraintNotValid(
            model_name="screening",
            constraint=models.CheckConstraint(condition=models.Q(("decided_on__gte", datetime.date(1900, 1, 1)), ("decided_on__lte", datetime.date(2100, 12, 31))), name="screening_decided_on_in_window"),
        ),
        AddConstraintNotValid(
            model_name="screening",
            constraint=models.CheckConstraint(condition=models.Q(("extended_due_on__isnull", True), models.Q(("extended_due_on__gte", datetime.date(1900, 1, 1)), ("extended_due_on__lte", datetime.date(2100, 12, 31))), _connector="OR"), name="screening_extended_due_on_in_window"),
        ),
    ]
