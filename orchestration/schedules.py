"""The nightly refresh schedule: NIGHTLY_CRON (default 02:00) in REPORTING_TIMEZONE."""

from __future__ import annotations

import os

import dagster as dg

from orchestration.jobs import nightly_job
from orchestration.settings import Settings

DEFAULT_NIGHTLY_CRON = "0 2 * * *"

nightly_schedule = dg.ScheduleDefinition(
    name="nightly_schedule",
    job=nightly_job,
    cron_schedule=os.environ.get("NIGHTLY_CRON", DEFAULT_NIGHTLY_CRON),
    execution_timezone=Settings.from_env().reporting_timezone,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Refresh the whole warehouse every night.",
)
