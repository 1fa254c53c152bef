"""Gallring reaches the journal and the fördelning (issue 13 point 5 after issue 15).

Before this, socialtjanst_gallra_personakt (migration 0013) knew nothing of the tables issue 15 added: a case with
a journal entry, a draft or a fördelning raised a foreign-key violation in its block and was kept, so almost no
personakt was ever gallrad again. The function now removes them with the case.

The journal stays append-only for everyone else. Its trigger lets a DELETE through only when both hold:
- the statement runs as the table's owner (inside this SECURITY DEFINER function; the app role has no DELETE
  right and is never the owner), and
- the transaction-local setting ifo.gallring_case names the entry's case, which the function sets for the one case
  it has just judged due and clears right after.
The owner could set both by hand, but the owner can also drop the trigger: the guard is against the app and the
admin, as before. An UPDATE is refused always.

A fördelning is an entry in the personakt like any other, so its date counts in the last-entry view.
"""

import importlib

from django.db import migrations

_M0013 = importlib.import_module("socialtjanst.migrations.0013_retention")
_M0016 = importlib.import_module("socialtjanst.migrations.0016_journal")

APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION socialtjanst_journalentry_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE'
     AND current_setting('ifo.gallring_case', true) = OLD.case_id::text
     AND current_user = (SELECT pg_get_userbyid(c.relowner) FROM pg_class c WHERE c.oid = TG_RELID) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'En signerad journalanteckning kan inte ändras eller tas bort (%).', TG_OP
    USING ERRCODE = 'integrity_constraint_violation', HINT = 'Skriv en korrigering som en ny anteckning.';
END;
$$;
"""

# 0016's function, as it was (the reverse).
APPEND_ONLY_FUNCTION_0016 = _M0016.APPEND_ONLY_SQL.split("CREATE TRIGGER journalentry_append_only")[0].replace(
    "CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")

_CASE_DELETES_ANCHOR = "      DELETE FROM socialtjanst_caseretention WHERE case_id = v_case;\n"
_JOURNAL_AND_ASSIGNMENT_DELETES = """      DELETE FROM socialtjanst_journaldraft WHERE case_id = v_case;
      GET DIAGNOSTICS v_n = ROW_COUNT; v_rows := v_rows + v_n;
      PERFORM set_config('ifo.gallring_case', v_case::text, true);
      DELETE FROM socialtjanst_journalentry WHERE case_id = v_case;
      GET DIAGNOSTICS v_n = ROW_COUNT; v_rows := v_rows + v_n;
      PERFORM set_config('ifo.gallring_case', '', true);
      DELETE FROM socialtjanst_caseassignment WHERE case_id = v_case;
      GET DIAGNOSTICS v_n = ROW_COUNT; v_rows := v_rows + v_n;
"""
assert _M0013.GALLRA_PERSONAKT.count(_CASE_DELETES_ANCHOR) == 1
GALLRA_PERSONAKT = _M0013.GALLRA_PERSONAKT.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION").replace(
    _CASE_DELETES_ANCHOR, _JOURNAL_AND_ASSIGNMENT_DELETES + _CASE_DELETES_ANCHOR)
GALLRA_PERSONAKT_0013 = _M0013.GALLRA_PERSONAKT.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")

_ASSIGNMENT_BRANCH = """  UNION ALL
    SELECT c.person_id, a.assigned_on, false
    FROM socialtjanst_caseassignment a JOIN socialtjanst_case c ON c.id = a.case_id
)
SELECT person_id,"""
assert _M0016.ACTIVITY_VIEW.count(")\nSELECT person_id,") == 1
ACTIVITY_VIEW = _M0016.ACTIVITY_VIEW.replace(")\nSELECT person_id,", _ASSIGNMENT_BRANCH)


class Migration(migrations.Migration):

    dependencies = [
        ("socialtjanst", "0018_todo_scale"),
    ]

    operations = [
        migrations.RunSQL(APPEND_ONLY_FUNCTION, APPEND_ONLY_FUNCTION_0016),
        migrations.RunSQL(GALLRA_PERSONAKT, GALLRA_PERSONAKT_0013),
        migrations.RunSQL(ACTIVITY_VIEW, _M0016.ACTIVITY_VIEW),
    ]
