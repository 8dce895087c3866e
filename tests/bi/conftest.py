"""The Superset end-to-end test is collected only by `make bi-test` (BI_TEST=1): it needs .venv-bi,
Chromium and a few minutes, so the main `make test` leaves it out."""

from __future__ import annotations

import os

if os.environ.get("BI_TEST") != "1":
    collect_ignore_glob = ["test_*.py"]
