"""gunicorn for `make run` (Procfile) and production: `gunicorn -c gunicorn.conf.py socialtjanst.wsgi`.

Sized from the environment for a small server (2 cores): WEB_CONCURRENCY processes × WEB_THREADS threads.
Each process gets a database pool of at most WEB_THREADS connections (settings.DB_POOL_MAX), so the web
never holds more than WEB_CONCURRENCY × WEB_THREADS connections; README "Drift" has the sum to keep under
PostgreSQL's max_connections.
"""

import multiprocessing
import os

bind = os.environ.get("WEB_BIND", f"127.0.0.1:{os.environ.get('WEB_PORT', '8000')}")
# 2 × cores + 1 is gunicorn's own rule of thumb; capped so a large host does not outgrow the database.
workers = int(os.environ.get("WEB_CONCURRENCY", str(min(2 * multiprocessing.cpu_count() + 1, 9))))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
# One pool per worker process, never more connections than threads (setdefault: an operator may lower it).
os.environ.setdefault("DB_POOL_MAX", str(threads))

# A request that runs longer is cut off and its worker replaced; imports and exports finish well inside it.
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Replace each worker after about a thousand requests, spread out, so a slow leak can never grow.
max_requests = 1000
max_requests_jitter = 100
# The app is loaded in each worker after the fork: no database pool or Redis socket is shared.
preload_app = False

# The access log has the path only, never the query string: a personnummer in a URL must not land in it.
accesslog = "-"
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# Only the local proxy may say which scheme a request came from (X-Forwarded-Proto). gunicorn never
# rewrites REMOTE_ADDR; the access log's client address comes from TRUSTED_PROXY_IPS (settings).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# No control socket (gunicorn ≥ 24): several servers on one host (tests, bench, drill) would share its path.
control_socket_disable = True
