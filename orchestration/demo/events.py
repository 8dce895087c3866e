"""Ticket events as arrays of integer codes: collected step by step, then cut, sorted, read back."""

from __future__ import annotations

import numpy as np

from orchestration.demo.timeline import Period
from orchestration.ingest.contract import EVENT_TYPES, ROLES

ET = {e: i for i, e in enumerate(EVENT_TYPES)}
RL = {r: i for i, r in enumerate(ROLES)}


class EventBuffer:
    """Collects event steps as arrays of codes; `build` sorts, cuts and decodes them."""

    FIELDS = (
        "tix",
        "t",
        "order",
        "etype",
        "role",
        "actor",
        "public",
        "from_v",
        "to_v",
        "macro",
        "body",
    )

    def __init__(self) -> None:
        self.parts: dict[str, list[np.ndarray]] = {f: [] for f in self.FIELDS}
        self.step = 0

    def add(self, mask: np.ndarray, t: np.ndarray, etype: str, role: str, **fields: object) -> None:
        rows = np.flatnonzero(mask)
        self.step += 1
        values = {
            "tix": rows,
            "t": _at(t, rows),
            "order": np.full(len(rows), self.step, dtype=np.int64),
            "etype": np.full(len(rows), ET[etype]),
            "role": np.full(len(rows), RL[role]),
        }
        for f in self.FIELDS[5:]:
            values[f] = _at(fields.get(f, -1), rows)
        for f in self.FIELDS:
            self.parts[f].append(np.asarray(values[f], dtype=np.int64))

    def arrays(self, period: Period) -> dict[str, np.ndarray]:
        cols = {f: np.concatenate(self.parts[f]) for f in self.FIELDS}
        keep = cols["t"] <= period.end
        cols = {f: v[keep] for f, v in cols.items()}
        rel = cols["t"] - period.start
        assert rel.min(initial=0) >= 0 and rel.max(initial=0) < 2**27 and self.step < 64
        key = (cols["tix"] << 33) | (rel << 6) | cols["order"]
        order = np.argsort(key, kind="stable")
        return {f: v[order] for f, v in cols.items()}


def _at(value: object, rows: np.ndarray) -> np.ndarray:
    if np.ndim(value) == 0:
        return np.full(len(rows), value, dtype=np.int64)
    return np.asarray(value)[rows]


def last_per_ticket(
    tix: np.ndarray, value: np.ndarray, mask: np.ndarray, n: int, default: np.ndarray
) -> np.ndarray:
    """The value of the last masked event of each ticket (events sorted by ticket and time)."""
    out = default.copy()
    idx = np.flatnonzero(mask)
    t = tix[idx]
    last = np.r_[t[1:] != t[:-1], True] if len(t) else np.zeros(0, dtype=bool)
    out[t[last]] = value[idx[last]]
    return out
