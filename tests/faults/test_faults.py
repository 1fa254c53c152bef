"""Fault drills (issue 12 points 5 and 6): Redis stopped, frozen and restarted, PostgreSQL
restarted, and a poison task, against real processes on private servers (conftest.py).

The drills share one set of servers, web and worker; each leaves Redis and PostgreSQL running."""

import os
import re
import signal
import subprocess
import time

import pytest

from budget.task_failures import MAX_DELIVERIES, POISON_ERROR

from .conftest import Browser, celery_main_pids, hidden_value, wait_for

pytestmark = pytest.mark.faults

SWEDISH_503 = "IFO-stöd är tillfälligt otillgängligt"


def save_price(browser: Browser, placement_id: int, valid_from: str, daily_price: str):
    page = browser.get(f"/placeringar/{placement_id}/")
    assert page.status_code == 200
    data = {"price-valid_from": valid_from, "price-daily_price": daily_price, "price-monthly_amount": ""}
    version = hidden_value(page.text, "price-price_version")
    if version is not None:  # the optimistic lock's version, where the form has one
        data["price-price_version"] = version
    return browser.post(f"/placeringar/{placement_id}/pris/", data)


def price_count(services, placement_id, valid_from) -> int:
    return services.query("SELECT count(*) FROM placements_priceperiod WHERE placement_id = %s AND valid_from = %s",
                          [placement_id, valid_from])[0][0]


def dirty_months(services) -> list:
    return [r[0].isoformat() for r in services.query("SELECT month FROM budget_dirtymonth ORDER BY month")]


def rolled_up(services) -> bool:
    """Sends the reconciler as beat does every five minutes, and waits for the worker to finish."""
    services.send("budget.tasks.reconcile")
    return wait_for(lambda: not dirty_months(services), timeout=60, interval=0.5)


def test_a_save_with_redis_stopped_answers_normally_and_is_rolled_up_when_redis_returns(services, web, worker):
    assert rolled_up(services)
    browser = Browser(web.url).login("drill-hanna")
    placement = services.seed["placements"][0]
    services.redis_stop()
    try:
        started = time.monotonic()
        response = save_price(browser, placement, "2024-09-01", "5100")
        elapsed = time.monotonic() - started

        assert response.status_code == 302  # back to the placement, as any successful save
        assert elapsed < 5
        assert price_count(services, placement, "2024-09-01") == 1
        assert "2024-09-01" in dirty_months(services)  # PostgreSQL holds the work the message would announce
    finally:
        services.redis_start()
    assert rolled_up(services)
    facts = services.drill("facts")
    assert (facts["equal"], facts["dirty"]) == (True, 0) and facts["rows"] > 0


def test_a_save_with_redis_frozen_is_not_held_up(services, web, worker):
    browser = Browser(web.url).login("drill-hanna")
    placement = services.seed["placements"][0]
    services.redis_signal(signal.SIGSTOP)
    try:
        started = time.monotonic()
        response = save_price(browser, placement, "2024-10-01", "5200")
        elapsed = time.monotonic() - started
    finally:
        services.redis_signal(signal.SIGCONT)

    assert response.status_code == 302
    assert elapsed < 5  # one second's send timeout, not as long as Redis stays frozen
    assert price_count(services, placement, "2024-10-01") == 1
    assert rolled_up(services)
    assert services.drill("facts")["equal"]


def test_a_redis_restart_under_a_running_task_leaves_the_worker_consuming(services, worker):
    before = celery_main_pids(worker)
    started = services.base / "slow-started"
    started.unlink(missing_ok=True)
    services.send("drill.sleep", 8, str(started))
    assert wait_for(started.exists, timeout=30)

    services.redis_stop()
    time.sleep(2)
    services.redis_start()
    back = time.monotonic()
    done = services.base / "after-restart"
    done.unlink(missing_ok=True)
    services.send("drill.touch", str(done))

    assert wait_for(done.exists, timeout=60)
    assert time.monotonic() - back < 60
    assert celery_main_pids(worker) == before, worker.log.read_text()[-3000:]  # survived, not restarted


def test_a_postgresql_restart_gives_swedish_503_and_recovers_without_restarting_anything(services, web, worker):
    browser = Browser(web.url).login("drill-carl")
    assert browser.get("/budget/bokslut/").status_code == 200
    workers_before = celery_main_pids(worker)
    placement = services.seed["placements"][2]  # priced per day

    services.pg_stop()
    try:
        page = browser.get("/budget/bokslut/")
        assert page.status_code == 503
        assert SWEDISH_503 in page.text
        assert "Traceback" not in page.text
        assert page.headers["Retry-After"] == "30"
        # The worker's roll-up meets the outage too: it retries with back-off instead of failing.
        services.send("budget.tasks.rollup_period", 2024)
        time.sleep(3)
    finally:
        services.pg_start()

    assert wait_for(lambda: browser.get("/budget/bokslut/").status_code == 200, timeout=30)
    # The roll-up sent during the outage waited 15 s and then ran, in the same worker.
    assert wait_for(lambda: re.search(r"rollup_period\[\S+\] retry: Retry in 15s", worker.log.read_text()), timeout=10)
    assert wait_for(lambda: re.search(r"rollup_period\[\S+\] succeeded", worker.log.read_text()), timeout=60)
    assert [browser.get("/budget/bokslut/").status_code for _ in range(4)] == [200] * 4
    browser = Browser(web.url).login("drill-hanna")
    assert save_price(browser, placement, "2024-11-01", "4300").status_code == 302
    assert rolled_up(services)
    assert services.drill("facts")["equal"]
    assert celery_main_pids(worker) == workers_before
    assert services.query("SELECT count(*) FROM budget_taskfailure WHERE task_name LIKE 'budget.%%'") == [(0,)]


def test_a_poison_task_stops_after_n_deliveries_and_shows_on_the_closing_page(services, web, worker):
    services.send("drill.poison")

    def failed():
        return services.query("SELECT deliveries, error FROM budget_taskfailure WHERE task_name = 'drill.poison'")

    assert wait_for(failed, timeout=90, interval=0.5), worker.log.read_text()[-3000:]
    assert failed() == [(MAX_DELIVERIES, POISON_ERROR.format(deliveries=MAX_DELIVERIES))]
    time.sleep(2)
    assert len(failed()) == 1  # acknowledged: not handed out again
    assert services.query("SELECT count(*) FROM budget_taskdelivery") == [(0,)]

    page = Browser(web.url).login("drill-carl").get("/budget/bokslut/")
    assert "Bakgrundsjobb som misslyckats" in page.text
    assert "drill.poison" in page.text
    assert f"Avbröts efter {MAX_DELIVERIES} leveranser" in page.text


def test_a_killed_worker_is_started_again_by_its_supervisor(services, worker):
    (before,) = celery_main_pids(worker)
    pool = subprocess.run(["pgrep", "-P", str(before)], capture_output=True, text=True).stdout.split()
    for pid in (before, *map(int, pool)):  # the worker and its pool, as an out-of-memory kill would
        os.kill(pid, signal.SIGKILL)

    assert wait_for(lambda: celery_main_pids(worker) not in (set(), {before}), timeout=30)
    assert wait_for(services.worker_answers, timeout=60), worker.log.read_text()[-3000:]
    done = services.base / "after-kill"
    done.unlink(missing_ok=True)
    services.send("drill.touch", str(done))
    if not wait_for(done.exists, timeout=30):
        # A pool process forked after the worker connected holds a copy of its Redis sockets; until the last
        # copy is closed Redis may still hand a message to the dead worker's connection. Production's
        # reconciler re-sends what PostgreSQL says is undone; what this drill proves is that the restarted
        # worker takes work, so the evidence is printed and one more message is sent.
        print("Första meddelandet kom inte fram:", services.redis_state())
        services.send("drill.touch", str(done))
    assert wait_for(done.exists, timeout=60), worker.log.read_text()[-3000:] + services.redis_state()


def test_a_task_that_fails_is_recorded_once_and_resolved_when_it_later_succeeds(services, web, worker):
    gate = services.base / "gate"
    gate.unlink(missing_ok=True)

    def failures():
        return services.query("SELECT deliveries, error, resolved_at IS NOT NULL FROM budget_taskfailure "
                              "WHERE task_name = 'drill.fail_until'")

    services.send("drill.fail_until", str(gate))
    assert wait_for(failures, timeout=30)
    assert failures() == [(1, "ValueError: Övningsfel: filen saknas", False)]  # not transient: not retried
    controller = Browser(web.url).login("drill-carl")
    assert "Övningsfel: filen saknas" in controller.get("/budget/bokslut/").text

    gate.write_text("open")
    services.send("drill.fail_until", str(gate))
    assert wait_for(lambda: failures() == [(1, "ValueError: Övningsfel: filen saknas", True)], timeout=30)
    assert "Övningsfel: filen saknas" not in controller.get("/budget/bokslut/").text
