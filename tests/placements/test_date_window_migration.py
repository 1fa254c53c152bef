"""The date window's CHECKs are added NOT VALID (issue 12 point 1, common.migration_ops): migrate succeeds
on a municipality's database that already holds a row outside the window, the row stays, and a new one is
refused by the database."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from placements.models import Provider

BEFORE = ("placements", "0007_invoice_checks")
CONSTRAINT = "provider_ivo_permit_valid_until_in_window"
INSERT = ("INSERT INTO placements_provider (name, org_number, ivo_permit, ivo_permit_valid_until) "
          "VALUES (%s, %s, '', %s) RETURNING id")


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_migrate_keeps_a_stored_row_outside_the_window_and_refuses_a_new_one():
    try:
        migrate([BEFORE])
        with connection.cursor() as cur:
            cur.execute(INSERT, ["Gammal utförare AB", "556000-0001", datetime.date(1850, 1, 1)])
            old_id = cur.fetchone()[0]
        migrate(None)

        assert Provider.objects.get(pk=old_id).ivo_permit_valid_until == datetime.date(1850, 1, 1)
        with connection.cursor() as cur:
            cur.execute("SELECT convalidated FROM pg_constraint WHERE conname = %s", [CONSTRAINT])
            assert cur.fetchone() == (False,)
            with pytest.raises(IntegrityError) as err, transaction.atomic():
                cur.execute(INSERT, ["Ny utförare AB", "556000-0002", datetime.date(1850, 1, 1)])
        assert err.value.__cause__.diag.constraint_name == CONSTRAINT
        out = StringIO()
        call_command("date_window_report", stdout=out)
        assert f"placements_provider\t{CONSTRAINT}\t1\n" in out.getvalue()
        assert "socialtjanst_intake\tintake_received_on_in_window\t0\n" in out.getvalue()
        assert out.getvalue().endswith("Totalt 1 rader utanför giltigt intervall.\n")
    finally:
        migrate(None)  # the session's other tests need the fully migrated database
