"""Rows stored outside the date window (issue 12, common.date_window): the window's CHECKs were added
NOT VALID, so rows from before them stay and the pages mark them. This lists, per CHECK, how many rows break
it, so they can be corrected; once a count is 0, `ALTER TABLE … VALIDATE CONSTRAINT …` may be run."""

from django.core.management.base import BaseCommand
from django.db import connection

# The CHECK's own expression, so the count follows exactly what PostgreSQL would refuse (NULL passes a CHECK).
IN_WINDOW_CHECKS = """
    SELECT conrelid::regclass::text, conname, pg_get_expr(conbin, conrelid)
    FROM pg_constraint WHERE contype = 'c' AND right(conname, 10) = '_in_window' ORDER BY 1, 2
"""


def rows_outside_window() -> list[tuple[str, str, int]]:
    """(table, constraint, number of stored rows that break it) for every date-window CHECK."""
    out = []
    with connection.cursor() as cur:
        cur.execute(IN_WINDOW_CHECKS)
        for table, name, expression in cur.fetchall():
            # Names and expressions come from the catalogue, not from a user.
            cur.execute(f"SELECT count(*) FROM {table} WHERE NOT ({expression})")
            out.append((table, name, cur.fetchone()[0]))
    return out


class Command(BaseCommand):
    help = "Antal sparade rader med datum utanför giltigt intervall, per tabell och villkor."

    def handle(self, *args, **options):
        rows = rows_outside_window()
        for table, name, count in rows:
            self.stdout.write(f"{table}\t{name}\t{count}")
        total = sum(count for *_, count in rows)
        self.stdout.write(f"Totalt {total} rader utanför giltigt intervall.")
