"""Finding where a submission's ids sit in the solution, fast, for the common case where every id matches.

Hashing Python strings costs about a microsecond each; here ids stay in Arrow's buffers, are hashed eight
bytes at a time with numpy, and are looked up in an open-addressing table of the solution's ids that is
built once per solution. Every match is then confirmed byte for byte. Any doubt (an unknown id, a duplicate,
ids too long to hash cheaply) answers None, and the caller takes the slow path, which names the problem.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
# The bits of the first n bytes of a little-endian word, for n from 0 to 8.
_KEPT_BYTES = np.array([(1 << (8 * n)) - 1 for n in range(9)], dtype=np.uint64)
_MOST_FULL = 0.7  # of the hash table's slots
_LONGEST_HASHED_ID = 256  # bytes; a file with longer ids takes the slow path


@dataclass(frozen=True)
class _PackedIds:
    """An Arrow string array's bytes, with every byte position readable as a little-endian 64-bit word."""

    starts: np.ndarray
    lengths: np.ndarray
    words: np.ndarray  # words[i] is the 8 bytes from byte i (past the end: zeros)
    longest: int

    def word(self, first_byte: int) -> np.ndarray:
        """Bytes first_byte to first_byte + 7 of each id, zero past its end."""
        word = self.words[self.starts + first_byte]
        remaining = self.lengths - first_byte
        if remaining.min() < 8:
            word &= _KEPT_BYTES[np.clip(remaining, 0, 8)]
        return word


def _packed(values: pa.Array | pa.ChunkedArray) -> _PackedIds | None:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if values.null_count or not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        return None
    offset_type = np.dtype(np.int64 if pa.types.is_large_string(values.type) else np.int32)
    _, offsets_buffer, data_buffer = values.buffers()
    offsets = np.frombuffer(
        offsets_buffer, dtype=offset_type, count=len(values) + 1, offset=values.offset * offset_type.itemsize
    )
    lengths = np.diff(offsets)
    longest = int(lengths.max()) if len(lengths) else 0
    if longest > _LONGEST_HASHED_ID:
        return None
    lengths = lengths.astype(np.int16)  # small, so that the masks below cost little
    end = int(offsets[-1])
    # Room after the last byte, so that every 8-byte read stays inside (the bytes past an id are masked).
    padded = np.empty(end + longest + 8, dtype=np.uint8)
    padded[end:] = 0
    if data_buffer is not None and end:
        padded[:end] = np.frombuffer(data_buffer, dtype=np.uint8, count=end)
    words = np.ndarray(shape=(len(padded) - 7,), dtype=np.uint64, buffer=padded, strides=(1,))
    return _PackedIds(starts=offsets[:-1].astype(np.intp), lengths=lengths, words=words, longest=longest)


def _hashes(ids: _PackedIds) -> np.ndarray:
    hashes = ids.lengths.astype(np.uint64) * _MULTIPLIER
    with np.errstate(over="ignore"):
        for first_byte in range(0, ids.longest, 8):
            hashes ^= ids.word(first_byte)
            hashes *= _MULTIPLIER
            hashes ^= hashes >> np.uint64(29)
    return hashes


def _all_distinct(hashes: np.ndarray) -> bool:
    ordered = np.sort(hashes)  # much faster than np.unique's hash table on millions of values
    return bool((ordered[1:] != ordered[:-1]).all())


class _HashTable:
    """Linear probing over a power-of-two table at most 70% full: hash -> position in the solution."""

    def __init__(self, hashes: np.ndarray):
        self.capacity = 1 << max(4, int(len(hashes) / _MOST_FULL).bit_length())
        self.shift = np.uint64(64 - (self.capacity.bit_length() - 1))
        self.hashes = np.zeros(self.capacity, dtype=np.uint64)
        self.positions = np.full(self.capacity, -1, dtype=np.int32 if len(hashes) < 2**31 else np.intp)
        homes = self._homes(hashes)
        pending = np.arange(len(hashes))
        claims = np.empty(self.capacity, dtype=np.intp)
        distance = 0
        while len(pending):
            # Each round, every pending id tries the next slot; of several trying one free slot, one wins.
            slots = (homes[pending] + distance) & (self.capacity - 1)
            trying = np.flatnonzero(self.positions[slots] < 0)
            claims[slots[trying]] = trying  # of several writes to one slot, one stays: it wins
            winners = trying[claims[slots[trying]] == trying]
            self.positions[slots[winners]] = pending[winners]
            self.hashes[slots[winners]] = hashes[pending[winners]]
            is_pending = np.ones(len(pending), dtype=bool)
            is_pending[winners] = False
            pending = pending[is_pending]
            distance += 1

    @classmethod
    def restored(cls, hashes: np.ndarray, positions: np.ndarray, capacity: int) -> "_HashTable":
        """A table as `hashes` and `positions` left it (stored in a solution's compact form)."""
        table = cls.__new__(cls)
        table.capacity = capacity
        table.shift = np.uint64(64 - (capacity.bit_length() - 1))
        table.hashes, table.positions = hashes, positions
        return table

    def _homes(self, hashes: np.ndarray) -> np.ndarray:
        return (hashes >> self.shift).astype(np.intp)

    def find(self, hashes: np.ndarray) -> np.ndarray | None:
        """The position stored under each hash; None if any hash is not in the table."""
        slots = self._homes(hashes)
        found = self.positions[slots]
        if (found < 0).any():
            return None  # an empty slot ends the probe: that hash is not in the table
        pending = np.flatnonzero(self.hashes[slots] != hashes)
        homes = slots[pending] if len(pending) else slots
        distance = 1
        while len(pending):
            slots = (homes + distance) & (self.capacity - 1)
            positions = self.positions[slots]
            if (positions < 0).any():
                return None
            is_hit = self.hashes[slots] == hashes[pending]
            found[pending[is_hit]] = positions[is_hit]
            pending, homes = pending[~is_hit], homes[~is_hit]
            distance += 1
        return found


class IdLookup:
    """The solution's ids in Arrow form with a hash table of them, reusable across submissions."""

    def __init__(self, ids: pd.Index):
        # pandas' default string columns are Arrow arrays already; anything else goes through Python strings.
        values = ids.array if ids.dtype == "str" else ids.to_numpy(dtype=object)
        self.ids = pa.array(values).cast(pa.string())
        self._packed = _packed(self.ids)
        self._hashes = _hashes(self._packed) if self._packed is not None else None
        # Two ids sharing a hash (or ids too long to hash) leave every submission to the slow path.
        self.has_distinct_hashes = self._hashes is not None and _all_distinct(self._hashes)
        self._table: _HashTable | None = None

    @classmethod
    def restored(cls, ids: pd.Index, *, has_distinct_hashes: bool, table: _HashTable | None) -> "IdLookup":
        """A lookup of these ids with the table built before (a solution's compact form), without hashing."""
        lookup = cls.__new__(cls)
        values = ids.array if ids.dtype == "str" else ids.to_numpy(dtype=object)
        lookup.ids = pa.array(values).cast(pa.string())
        lookup._packed = _packed(lookup.ids)
        lookup._hashes = None
        lookup.has_distinct_hashes = has_distinct_hashes and table is not None
        lookup._table = table
        return lookup

    @property
    def table(self) -> "_HashTable | None":
        if self._table is None and self.has_distinct_hashes:
            assert self._hashes is not None  # distinct hashes were computed, so there are hashes
            self._table = _HashTable(self._hashes)
        return self._table

    def positions(self, ids: pa.Array | pa.ChunkedArray) -> np.ndarray | None:
        """Each id's position in the solution, or None unless the ids are exactly the solution's, once each."""
        if isinstance(ids, pa.ChunkedArray):
            ids = ids.combine_chunks()
        if len(ids) != len(self.ids) or ids.null_count or not pa.types.is_string(ids.type):
            return None
        if pc.all(pc.equal(ids, self.ids)).as_py():
            return np.arange(len(ids))  # the sample submission's order, the usual case
        packed = _packed(ids)
        table = self.table
        if table is None or packed is None:
            return None
        positions = table.find(_hashes(packed))
        if positions is None:
            return None
        seen = np.zeros(len(self.ids), dtype=bool)
        seen[positions] = True
        if not seen.all():
            return None  # a duplicated id, so another one is missing
        # Equal hashes need not be equal ids: compare the strings themselves.
        if not pc.all(pc.equal(self.ids.take(pa.array(positions)), ids)).as_py():
            return None
        return positions
