"""Plumbing the three apps share: the report registry and exporters, tables and number formatting,
the import base and file reading, database-error messages, periods, rounding, the date window,
request parameters, upload limits, the domain's NotFound and the base list views.

It imports none of the apps (tests/test_dependencies.py), so each app may use it."""
