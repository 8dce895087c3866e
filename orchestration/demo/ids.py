"""Vectorised array helpers built on pyarrow compute: ids, lookups, timestamps."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def make_ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """`prefix` + zero-padded number, e.g. make_ids("TK", [1, 2], 7) -> TK0000001, TK0000002."""
    digits = pc.utf8_lpad(pc.cast(pa.array(numbers, pa.int64()), pa.string()), width, "0")
    return _flat(pc.binary_join_element_wise(prefix, digits, ""))


def pick(words: Sequence[str | None] | pa.Array, codes: np.ndarray) -> pa.Array:
    """Strings from `words` at `codes`; a negative code gives null."""
    dictionary = words if isinstance(words, pa.Array) else pa.array(list(words), pa.string())
    codes = np.asarray(codes)
    mask = codes < 0
    indices = pa.array(np.where(mask, 0, codes).astype(np.int64), mask=mask if mask.any() else None)
    return _flat(pc.take(dictionary, indices))


def concat(*parts: pa.Array | str) -> pa.Array:
    """Element-wise concatenation of string arrays and literals."""
    return _flat(pc.binary_join_element_wise(*parts, ""))


def null_where(arr: pa.Array, mask: np.ndarray) -> pa.Array:
    """`arr` with nulls where `mask` is true."""
    return _flat(pc.if_else(pa.array(np.asarray(mask, dtype=bool)), pa.scalar(None, arr.type), arr))


def timestamps(seconds: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    """int64 epoch seconds -> timestamp[s, UTC]; `mask` (or a negative value) marks nulls."""
    seconds = np.asarray(seconds, dtype=np.int64)
    if mask is None:
        mask = seconds < 0
    arr = pa.array(np.where(mask, 0, seconds), pa.int64(), mask=mask if mask.any() else None)
    return arr.view(pa.timestamp("s", tz="UTC"))


def numbers(values: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    """A numeric array with nulls where `mask` is true."""
    values = np.asarray(values)
    return pa.array(values, mask=None if mask is None or not mask.any() else mask)


def booleans(values: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    return pa.array(np.asarray(values, dtype=bool), pa.bool_(), mask=mask)


def _flat(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
