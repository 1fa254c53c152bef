"""Migration 0014: a förhandsbedömning stored with synnerliga skäl before their decision date was asked for
takes the förhandsbedömning's own date, the only one known, so an old late extension rescues nothing either."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from socialtjanst import deadlines
from socialtjanst.models import Screening
from tests.factories import CaseFactory, UserFactory

D = datetime.date
BEFORE = ("socialtjanst", "0013_retention")


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_old_synnerliga_skal_take_the_screenings_date():
    by, case = UserFactory(), CaseFactory()
    try:
        migrate([BEFORE])
        with connection.cursor() as cur:
            cur.execute(
                "INSERT INTO socialtjanst_intake (case_id, kind, received_at, received_on, channel, target_group, "
                "reporter_category, reporter_contact, concern_categories, concern_text, safety_result, "
                "registered_by_id, version, created_at) VALUES (%s, 'orosanmalan', '2024-04-01 09:00+02', "
                "'2024-04-01', 'telefon', 'barn_unga', 'skola', '', '{}', '', '', %s, 1, now()) RETURNING id",
                [case.pk, by.pk])
            intake_id = cur.fetchone()[0]
            cur.execute(
                "INSERT INTO socialtjanst_screening (intake_id, decided_on, outcome, extraordinary_reason, "
                "extended_due_on, decided_by_id) VALUES (%s, '2024-05-20', 'inte_inleda', 'Synnerliga skäl', "
                "'2024-05-31', %s) RETURNING id", [intake_id, by.pk])
            screening_id = cur.fetchone()[0]
        migrate(None)
        screening = Screening.objects.get(pk=screening_id)
        assert screening.extension_decided_on == D(2024, 5, 20)
        assert deadlines.screening_due(D(2024, 4, 1), screening.extended_due_on,
                                       screening.extension_decided_on) == D(2024, 4, 15)
    finally:
        migrate(None)  # the session's other tests need the fully migrated database
