"""Static memory planner: buffers with lifetimes -> offsets in one arena.

Interface (as in TFLM's planner): ``add(size, first_use, last_use)`` returns a buffer id;
``plan()`` gives one offset per buffer. Two buffers may share bytes only when their
lifetimes ``[first_use, last_use]`` (operator steps, inclusive) do not intersect.

Algorithm: greedy by size. Buffers are placed largest first (ties: earlier first use,
then id), each at the lowest aligned offset where it overlaps no already-placed buffer
that is alive at the same time. This is the classic greedy-by-size heuristic; on the
linear chains typical of microcontroller models it reaches the lower bound below.

``lower_bound()`` is the largest sum of sizes of buffers alive at any one step: no plan
for this operator order can use fewer bytes.
"""
from __future__ import annotations

from dataclasses import dataclass


def align_up(n: int, a: int) -> int:
    return (n + a - 1) // a * a


@dataclass
class Buffer:
    size: int
    first: int
    last: int
    offset: int = -1


class MemoryPlanner:
    def __init__(self, alignment: int = 4):
        self.alignment = alignment
        self.buffers: list[Buffer] = []

    def add(self, size: int, first_use: int, last_use: int) -> int:
        assert first_use <= last_use, (first_use, last_use)
        self.buffers.append(Buffer(align_up(max(size, 1), self.alignment), first_use, last_use))
        return len(self.buffers) - 1

    def plan(self) -> list:
        order = sorted(range(len(self.buffers)),
                       key=lambda i: (-self.buffers[i].size, self.buffers[i].first, i))
        placed: list[Buffer] = []
        for i in order:
            b = self.buffers[i]
            live = sorted((p for p in placed if p.first <= b.last and b.first <= p.last),
                          key=lambda p: p.offset)
            offset = 0
            for p in live:
                if offset + b.size <= p.offset:
                    break
                offset = max(offset, align_up(p.offset + p.size, self.alignment))
            b.offset = offset
            placed.append(b)
        return [b.offset for b in self.buffers]

    @property
    def arena_size(self) -> int:
        return max((b.offset + b.size for b in self.buffers), default=0)

    def lower_bound(self) -> int:
        steps = sorted({b.first for b in self.buffers})
        best = 0
        for s in steps:
            best = max(best, sum(b.size for b in self.buffers if b.first <= s <= b.last))
        return best
