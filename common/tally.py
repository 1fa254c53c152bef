"""Trigger-kept tallies of a kept table (issue 19, the pages under load): counts per key instead of a row per item.

A page that only counts (the frister figures, Att göra's totals) read every kept row in scope: 190 000–220 000 rows
per request for an enhetschef at national scale. A tally holds, per key (the columns the page filters and groups
on), the number of source rows and the sums it needs; the page sums a few thousand tally rows instead.

Kept without a lock: statement triggers on the source only ever INSERT a statement's net change per key, + for rows
inserted, - for rows deleted (an UPDATE both). No row is updated, so two transactions never wait for each other on
a busy key (every intake of a day in one unit is one key), and an import holding its transaction open blocks no
one. A key's figure is the SUM of its rows; `compact()` (a Celery beat task) folds each key's rows into one and
drops those that sum to nothing. NULL keys are equal keys (GROUP BY, PARTITION BY).

Each tally's module builds its Tally here; its migration holds a frozen copy of `triggers()`' SQL, and its tests
check the database's trigger functions equal what the module writes today.
"""

from dataclasses import dataclass

from django.db import connection, transaction


@dataclass(frozen=True)
class Tally:
    table: str
    source: str
    key: tuple[tuple[str, str], ...]  # (tally column, expression over a source row)
    sums: tuple[tuple[str, str], ...] = ()  # (tally column, expression summed over the source rows), after n
    trigger_prefix: str = ""
    compact_lock: int = 0  # an advisory lock: compactions take turns (the work would only be done twice)

    @property
    def triggers_like(self) -> str:
        """The triggers' names as a LIKE pattern (common.kept pauses and finds them by it)."""
        return self.trigger_prefix.replace("_", "\\_") + "%"

    @property
    def key_columns(self) -> str:
        return ", ".join(name for name, _ in self.key)

    @property
    def columns(self) -> tuple[str, ...]:
        return (*(name for name, _ in self.key), "n", *(name for name, _ in self.sums))

    @property
    def nonzero(self) -> str:
        """A key that still counts something (a sum can change while the count nets to nothing)."""
        return " OR ".join(f"sum({name}) <> 0" for name in ("n", *(name for name, _ in self.sums)))

    def _sums(self, sign: str) -> str:
        return ", ".join([f"{sign}count(*) AS n", *(f"{sign}sum({expr}) AS {name}" for name, expr in self.sums)])

    def delta_sql(self, rows: str, sign: str = "") -> str:
        """`rows` (source rows) as tally rows, counted `sign` (+ or -) per key."""
        keys = ", ".join(f"{expr} AS {name}" for name, expr in self.key)
        groups = ", ".join(str(n) for n in range(1, len(self.key) + 1))
        return f"SELECT {keys}, {self._sums(sign)} FROM {rows} GROUP BY {groups}"

    def live_sql(self) -> str:
        """The tally as one row per key, from the source (a migration's fill, common.kept's refill)."""
        return self.delta_sql(self.source)

    def _summed(self, rows: str) -> str:
        sums = ", ".join(f"sum({name}) AS {name}" for name in self.columns[len(self.key):])
        return f"SELECT {self.key_columns}, {sums} FROM {rows} GROUP BY {self.key_columns} HAVING {self.nonzero}"

    def stored_sql(self) -> str:
        """The tally as stored, summed to one row per key (what common.kept.differences compares with live_sql)."""
        return self._summed(self.table)

    def _insert(self) -> str:
        return f"INSERT INTO {self.table} ({', '.join(self.columns)}) "

    def triggers(self) -> list[tuple[str, str, str, str, str]]:
        """(name, table, event, transition tables, body) of the statement triggers on the source, for
        common.migration_ops.statement_triggers_sql."""
        insert, prefix = self._insert(), self.trigger_prefix
        both = f"({self.delta_sql('before', '-')} UNION ALL {self.delta_sql('changed')}) d"
        return [
            (f"{prefix}insert", self.source, "INSERT", "NEW TABLE AS changed",
             insert + self.delta_sql("changed") + ";"),
            (f"{prefix}delete", self.source, "DELETE", "OLD TABLE AS changed",
             insert + self.delta_sql("changed", "-") + ";"),
            (f"{prefix}update", self.source, "UPDATE", "OLD TABLE AS before NEW TABLE AS changed",
             insert + self._summed(both) + ";"),
        ]

    def truncate_triggers(self) -> list[tuple[str, str, str]]:
        # A TRUNCATE of the source (by its owner) fires no row trigger: the tally is made anew from what is left.
        return [(f"{self.trigger_prefix}truncate", self.source,
                 f"DELETE FROM {self.table}; {self._insert()}{self.live_sql()};")]

    def compact_sql(self) -> str:
        """One statement: every key with more than one row (or a row summing to nothing) deleted and written back
        as one row, by the rows' ctid (keys may be NULL); the number of rows removed. The rows a concurrent trigger
        inserts are not in the statement's snapshot and stay as they are, so every sum is unchanged."""
        partition = f"PARTITION BY {self.key_columns}"
        return (
            f"WITH many AS (SELECT ctid AS row_id FROM (SELECT ctid, count(*) OVER ({partition}) AS c,"
            f" sum(n) OVER ({partition}) AS s FROM {self.table}) x WHERE c > 1 OR s = 0),"
            f" gone AS (DELETE FROM {self.table} WHERE ctid IN (SELECT row_id FROM many) RETURNING *),"
            f" folded AS ({self._insert()}{self._summed('gone')} RETURNING 1)"
            " SELECT (SELECT count(*) FROM gone) - (SELECT count(*) FROM folded)"
        )

    def compact(self) -> int:
        """Folds every key's rows into one, and drops the keys that sum to nothing; returns the rows removed.
        Idempotent: a second run finds no key with more than one row."""
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [self.compact_lock])
            cursor.execute(self.compact_sql())
            return cursor.fetchone()[0]
