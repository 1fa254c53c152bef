"""The load bench's users (run by bench/load.py, headless, against 127.0.0.1 only): handläggare, enhetschef
and controller sessions reading their pages and registering reports through the web form (with CSRF), and an
e-tjänst posting reports through the API. bench/load.py passes the ids to use in LOAD_TARGETS (JSON).

Every response is checked: a 4xx/5xx, a bounce to the log-in page or a form that did not save is a failure.
"""

import itertools
import json
import os
import random
import re
from datetime import UTC, datetime, timedelta

from locust import HttpUser, between, task
from requests.cookies import RequestsCookieJar

TARGETS = json.loads(os.environ.get("LOAD_TARGETS", "{}"))
PASSWORD = TARGETS.get("password", "")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_serial = itertools.count()
_signed_in = itertools.count()
_session = itertools.count()
# One user in ten logs in with the password (the log-in path is exercised); the others start signed in.
PASSWORD_LOG_INS_PER_TEN = 1


class LoopbackCookies(RequestsCookieJar):
    """The web runs with production settings on plain HTTP on loopback (bench/load.py), where a proxy would end TLS:
    its session and CSRF cookies are marked Secure, and the users keep them as plain cookies, so they are sent back
    as a browser behind the proxy would send them over HTTPS."""

    def set_cookie(self, cookie, *args, **kwargs):
        cookie.secure = False
        return super().set_cookie(cookie, *args, **kwargs)


def new_child() -> dict:
    """A personnummer no earlier post used: the pool bench/load.py prepared, one per write."""
    numbers = TARGETS["new_id_numbers"]
    return {"id_number": numbers[next(_serial) % len(numbers)]}


class _Staff(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    username = ""

    def on_start(self) -> None:
        self.client.cookies = LoopbackCookies()
        sessions = TARGETS.get("sessions", {}).get(self.username, [])
        if next(_signed_in) % 10 >= PASSWORD_LOG_INS_PER_TEN and sessions:
            # A session bench/load.py made before the run: the user starts on the pages at once.
            self.client.cookies.set(TARGETS["cookie"], sessions[next(_session) % len(sessions)])
            return
        page = self.client.get("/logga-in/", name="logga in (formulär)")
        token = CSRF.search(page.text).group(1)
        # Not followed: a redirect inside one call would read the new session cookie with its Secure mark.
        with self.client.post("/logga-in/", {"csrfmiddlewaretoken": token, "username": self.username,
                                             "password": PASSWORD}, name="logga in", catch_response=True,
                              allow_redirects=False) as r:
            if r.status_code != 302 or "/logga-in/" in r.headers.get("Location", "/logga-in/"):
                r.failure("inloggningen misslyckades")

    def page(self, url: str, name: str) -> None:
        with self.client.get(url, name=name, catch_response=True) as r:
            if r.status_code != 200 or "/logga-in/" in r.url:
                r.failure(f"{r.status_code} {r.url}")


class Handlaggare(_Staff):
    weight = 3
    username = "handlaggare"

    @task(4)
    def todo(self) -> None:
        self.page("/att-gora/", "Att göra")

    @task(2)
    def persons(self) -> None:
        self.page("/personer/", "personlista")

    @task(2)
    def cases(self) -> None:
        self.page("/arenden/", "ärendelista")

    @task(3)
    def case_detail(self) -> None:
        self.page(f"/arenden/{random.choice(TARGETS['case_ids'])}/", "ärende")

    @task(1)
    def intake_create(self) -> None:
        form = self.client.get("/anmalningar/create/", name="ny anmälan (formulär)")
        token = CSRF.search(form.text).group(1)
        # Two hours ago in UTC is in the past whatever the form's local time zone.
        received = (datetime.now(UTC) - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
        data = {
            "csrfmiddlewaretoken": token, **new_child(), "first_name": "Last", "last_name": "Provsson",
            "gender": "okant", "unit": TARGETS["intake_unit_id"], "kind": "orosanmalan", "received_at": received,
            "channel": "telefon", "reporter_category": "skola", "reporter_contact": TARGETS["contact"],
            "concern_categories": ["vald"], "concern_text": "Belastningsprov.", "save": "1",
        }
        with self.client.post("/anmalningar/create/", data, name="ny anmälan (spara)", catch_response=True) as r:
            if "/anmalningar/" not in r.url or r.url.endswith("/create/"):
                r.failure(f"anmälan sparades inte: {r.status_code}")


class Enhetschef(_Staff):
    weight = 1
    username = "enhetschef"

    @task(2)
    def deadlines(self) -> None:
        self.page("/uppfoljning/frister/", "frister")

    @task(1)
    def ivo(self) -> None:
        self.page("/uppfoljning/ivo/", "IVO-lista")

    @task(2)
    def todo(self) -> None:
        self.page("/att-gora/", "Att göra")


class Controller(_Staff):
    weight = 1
    username = "controller"

    @task(3)
    def placements(self) -> None:
        self.page("/placeringar/", "placeringslista")

    @task(2)
    def followup(self) -> None:
        self.page("/budget/uppfoljning/", "uppföljning")

    @task(1)
    def reports(self) -> None:
        self.page("/rapporter/", "rapporter")


class ETjanst(HttpUser):
    weight = 1
    wait_time = between(1, 3)

    @task
    def post_report(self) -> None:
        n = next(_serial)
        body = {
            "referens": f"LAST-{os.getpid()}-{n}",
            "inkom": (datetime.now(UTC) - timedelta(hours=1)).replace(microsecond=0).isoformat(),
            "anmalare_kategori": "skola", "anmalare_kontakt": TARGETS["contact"], "oro_kategorier": ["vald"],
            "beskrivning": "Belastningsprov.", "personnummer": new_child()["id_number"],
        }
        headers = {"Authorization": f"Bearer {TARGETS['etjanst_token']}"}
        with self.client.post("/api/e-tjanst/orosanmalningar/", json=body, headers=headers,
                              name="e-tjänst (API)", catch_response=True) as r:
            if r.status_code != 201:
                r.failure(f"{r.status_code} {r.text[:200]}")
