"""The tests of tasks run on the session's real Celery worker: the fixture `celery_worker_process` in
tests/conftest.py, its helpers in tests/worker.py."""
