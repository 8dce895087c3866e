"""The run-level write lock: a second holder waits, then fails with a clear message."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import pytest

from orchestration.warehouse_lock import WarehouseBusyError, hold_warehouse_lock


def _hold(path: str, seconds: float, ready) -> None:  # type: ignore[no-untyped-def]
    with hold_warehouse_lock(Path(path)):
        ready.set()
        time.sleep(seconds)


def test_second_writer_is_refused_while_first_holds(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    ready = multiprocessing.Event()
    holder = multiprocessing.Process(target=_hold, args=(str(warehouse), 3.0, ready))
    holder.start()
    try:
        assert ready.wait(10)
        with (
            pytest.raises(WarehouseBusyError, match="another run is writing"),
            hold_warehouse_lock(warehouse, timeout_seconds=0.3, poll_seconds=0.1),
        ):
            pass
    finally:
        holder.join()
    # Once the first run ends, the lock is free again.
    with hold_warehouse_lock(warehouse, timeout_seconds=1):
        pass
