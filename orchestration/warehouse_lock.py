"""One writer at a time: an exclusive OS file lock beside the warehouse file, held for a whole run.

DuckDB allows a single writing process per file. The run queue (dagster.yaml) serialises runs
launched from the UI and the schedule; this lock also covers runs started from a shell or cron
(`dagster job execute`), which bypass the queue.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class WarehouseBusyError(RuntimeError):
    pass


def lock_path_for(warehouse_path: Path) -> Path:
    return warehouse_path.with_name(warehouse_path.name + ".lock")


@contextmanager
def hold_warehouse_lock(
    warehouse_path: Path, timeout_seconds: float = 3600.0, poll_seconds: float = 1.0
) -> Iterator[Path]:
    """Hold the warehouse's write lock; wait up to `timeout_seconds` for another run to finish."""
    lock_file = lock_path_for(warehouse_path)
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + timeout_seconds
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise WarehouseBusyError(
                        f"another run is writing {warehouse_path} (lock {lock_file} held for more "
                        f"than {timeout_seconds:.0f} s); two runs never write the warehouse at once"
                    ) from None
                time.sleep(poll_seconds)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield lock_file
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
