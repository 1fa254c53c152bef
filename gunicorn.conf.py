"""gunicorn for `make run` (Procfile) and production: `gunicorn -c gunicorn.conf.py config.wsgi`.

Sized from the environment for a small server (2 cores): WEB_CONCURRENCY processes × WEB_THREADS threads.
Each process gets a database pool of at most WEB_THREADS connections (settings.DB_POOL_MAX), so the web
never holds more than WEB_CONCURRENCY × WEB_THREADS connections; README "Drift" has the sum to keep under
PostgreSQL's max_connections.
"""

import gc
import multiprocessing
import os

from gunicorn import glogging

from socialtjanst.logging_setup import logging_config

bind = os.environ.get("WEB_BIND", f"127.0.0.1:{os.environ.get('WEB_PORT', '8000')}")
# Processes rather than threads: a page's work is mostly Python now (its SQL a few ms), and a process runs one
# thread at a time (the GIL), while a keep-alive connection stays with the process that took it. 4 × cores + 1
# processes of 2 threads (9 × 2 on two cores) gave a lower p95 than 2 × cores + 1 of 4 in four of five paired load
# runs on the national set (README "Sammanräkningar"), with two fewer connections. Capped so a large host does not
# outgrow the database (17 × 2 = 34 connections).
workers = int(os.environ.get("WEB_CONCURRENCY", str(min(4 * multiprocessing.cpu_count() + 1, 17))))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "2"))
# One pool per worker process, never more connections than threads (setdefault: an operator may lower it).
os.environ.setdefault("DB_POOL_MAX", str(threads))
# Serial plans for the web's statements (settings.DB_PARALLEL_WORKERS says why); an operator may set another.
os.environ.setdefault("DB_PARALLEL_WORKERS", "0")

# A request that runs longer is cut off and its worker replaced; imports and exports finish well inside it.
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Replace each worker after about a thousand requests, spread out, so a slow leak can never grow.
max_requests = 1000
max_requests_jitter = 100
# The app is loaded in each worker after the fork: no database pool or Redis socket is shared.
preload_app = False

# A worker's long-lived objects (the application, then what its first requests load: views, compiled templates)
# are moved out of the garbage collector's sight. A full collection walked all of them, some 170 000 objects:
# about 110 ms in which the worker answered no one, every hundred requests or so (a tenth of the slowest requests
# under load). After the freeze one takes about 10 ms. Frozen once the app is loaded and again after these
# requests; each freeze follows a collection, so no garbage is frozen, and a worker is replaced after about a
# thousand requests anyway (max_requests).
FREEZE_AFTER_REQUESTS = (25, 250)


def _freeze_long_lived() -> None:
    gc.collect()
    gc.freeze()


def post_worker_init(worker):
    _freeze_long_lived()


def post_request(worker, req, environ, resp):
    if worker.nr in FREEZE_AFTER_REQUESTS:
        _freeze_long_lived()

loglevel = os.environ.get("LOG_LEVEL", "info").lower()


class JsonAccessLogger(glogging.Logger):
    """gunicorn's own lines (start, workers, errors) and one access line per request, as JSON on stdout
    like the application's (socialtjanst.logging_setup). The access line has the method, the path only,
    never the query string (search terms, a personnummer typed into a URL), status, bytes, time and the
    request id the application returned; no client address (the access log in the database has it)."""

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        atoms = self.atoms(resp, req, environ, request_time)
        method, path, status = atoms["m"], atoms["U"], atoms["s"]
        self.access_log.info("%s %s %s", method, path, status, extra={
            "method": method, "path": path, "status": int(status), "bytes": atoms["B"] or 0,
            "duration_ms": atoms["M"], "request_id": atoms.get("{x-request-id}o"),
        })


logger_class = JsonAccessLogger
logconfig_dict = logging_config(loglevel.upper(), loggers={
    # Through the root's JSON handler; the handlers gunicorn set up before this config are removed.
    "gunicorn.error": {"level": loglevel.upper(), "handlers": [], "propagate": True},
    "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": True},
})
# Only the local proxy may say which scheme a request came from (X-Forwarded-Proto). gunicorn never
# rewrites REMOTE_ADDR; the access log's client address comes from TRUSTED_PROXY_IPS (settings).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# No control socket (gunicorn ≥ 24): several servers on one host (tests, bench, drill) would share its path.
control_socket_disable = True
