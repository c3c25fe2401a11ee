"""Observability: JSON logs, the request log, Prometheus metrics (issue 13).

- ``scrub``: removes anything shaped like a CPR or replacement number from text.
- ``logs``: the JSON formatter and the scrubbing filter (Django's LOGGING and gunicorn's
  ``logconfig_dict`` both use them, so every line on stdout is one JSON object).
- ``middleware``: one log line and the metrics per request.
- ``metrics``: the Prometheus metrics, the job-queue collector and who may read them.

``scrub`` and ``logs`` import no Django settings: gunicorn's master loads them before any
Django code runs.
"""
