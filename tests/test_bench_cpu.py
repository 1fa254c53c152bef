"""bench/cpu.py: the load bench's CPU accounting adds up (issue 19: is the locust run CPU-bound?)."""

import os
import subprocess
import sys

import pytest
from django.db import connection

from bench import cpu


def test_a_busy_child_counts_in_its_parents_tree_and_the_machine():
    before_tree = cpu.process_tree(os.getpid())
    before = cpu.machine()
    subprocess.run([sys.executable, "-c", "sum(i * i for i in range(3_000_000))"], check=True)
    after_tree = cpu.process_tree(os.getpid())
    after = cpu.machine()
    # The waited-for child counts through this process's cutime/cstime.
    assert after_tree - before_tree >= 0.05
    assert after[0] - before[0] >= 0.05 and after[1] >= after[0]


def test_the_report_splits_the_machine_into_web_locust_and_the_rest():
    before = cpu.Sample(wall=100.0, busy=1000.0, total=5000.0, web=10.0, children=1.0)
    after = cpu.Sample(wall=160.0, busy=1108.0, total=5120.0, web=70.0, children=7.0)
    used = cpu.report(before, after, requests=600, database_s=30.0)
    assert used["cores"] == 2.0
    assert (used["machine_s"], used["web_s"], used["locust_s"], used["database_s"], used["rest_s"]) == (
        108.0, 60.0, 6.0, 30.0, 12.0)
    assert used["busy_share"] == 0.9
    assert used["web_ms_per_request"] == 100.0 and used["machine_ms_per_request"] == 170.0
    text = cpu.describe(used, 600)
    assert "maskinen 90 % upptagen av 2 kärnor (108 s = 1,80 kärnor)" in text
    assert "locust 6 s = 0,10 kärnor" in text and "10,0 anrop/s" in text
    assert "databasens PostgreSQL-processer minst 30 s = 0,50 kärnor" in text and "databasen minst 50 ms" in text


@pytest.mark.django_db
def test_the_database_meter_counts_the_backend_of_its_database():
    meter = cpu.DatabaseMeter(connection.settings_dict["NAME"], interval=0.05)
    with connection.cursor() as cur:
        cur.execute("SELECT 1")  # the backend exists before the meter's first sample
        meter.start()
        cur.execute("SELECT count(*) FROM generate_series(1, 3000000) g WHERE g % 7 = 0")
        cur.execute("SELECT pg_sleep(0.2)")  # a sample after the work
    assert meter.stop() >= 0.1
