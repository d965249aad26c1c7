"""Static memory planner: buffers with lifetimes -> offsets in one arena.

Interface (as in TFLM's planner): ``add(size, first_use, last_use)`` returns a buffer id;
``plan()`` gives one offset per buffer. Two buffers may share bytes only when their
lifetimes ``[first_use, last_use]`` (operator steps, inclusive) do not intersect, or when
an operator declared that its output may overlap its dying input:
``allow_overlap(out, inp, lead)`` says the kernel stays correct whenever the output starts at
least ``lead`` bytes before the input (``offset(inp) - offset(out) >= lead``; a negative lead
lets the output start after the input). A kernel that writes its output in the order it
reads its input (convolutions, pools: row by row) can so write over the input rows it no
longer needs. A kernel that can also run from its last pixel to its first adds ``trail``: it
stays correct too whenever ``offset(out) - offset(inp) >= trail`` (the generator then tells it
to run backward).

Algorithm: greedy by size. Buffers are placed largest first (ties: earlier first use,
then id), each at the lowest aligned offset where it conflicts with no already-placed buffer
that is alive at the same time. This is the classic greedy-by-size heuristic; on the
linear chains typical of microcontroller models it reaches the lower bound below. With
overlaps, other starts are tried too (each overlapping output placed right after its input;
a large buffer placed first, at 0 or as far up as its output may start below it, and the
others by size or outward in time from it, or so with the buffers of one step, scratch, last) and the
smallest arena kept.

``lower_bound()`` is the largest sum of sizes of buffers alive at any one step, an
overlapping pair counted as the smallest span it can take: no plan for this operator order
can use fewer bytes.
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
        self.leads: dict = {}   # (out id, in id) -> lead in bytes
        self.trails: dict = {}  # (out id, in id) -> trail in bytes (kernels that may run backward)

    def add(self, size: int, first_use: int, last_use: int) -> int:
        assert first_use <= last_use, (first_use, last_use)
        self.buffers.append(Buffer(align_up(max(size, 1), self.alignment), first_use, last_use))
        return len(self.buffers) - 1

    def allow_overlap(self, out_id: int, in_id: int, lead: int, trail: int | None = None) -> None:
        """Buffer out_id may overlap in_id if it starts at least ``lead`` bytes before it or, with a
        ``trail``, at least that many bytes after its start."""
        o, i = self.buffers[out_id], self.buffers[in_id]
        assert out_id != in_id and i.last == o.first, "the input must die where the output is born"
        # several kernels may compute the operator (per core): every one's constraint holds
        self.leads[(out_id, in_id)] = max(int(lead), self.leads.get((out_id, in_id), int(lead)))
        if trail is not None:
            self.trails[(out_id, in_id)] = max(int(trail), self.trails.get((out_id, in_id), int(trail)))

    def _overlap_ok(self, o: int, i: int, offset_o: int, offset_i: int) -> bool:
        """Whether output o may overlap input i at these offsets (a declared pair)."""
        trail = self.trails.get((o, i))
        return offset_i - offset_o >= self.leads[(o, i)] or trail is not None and offset_o - offset_i >= trail

    def conflicts(self, a: int, b: int, offset_a: int, offset_b: int) -> bool:
        """Whether buffers a and b at these offsets would corrupt each other."""
        x, y = self.buffers[a], self.buffers[b]
        if not (x.first <= y.last and y.first <= x.last):
            return False
        if offset_a + x.size <= offset_b or offset_b + y.size <= offset_a:
            return False
        if (a, b) in self.leads:
            return not self._overlap_ok(a, b, offset_a, offset_b)
        if (b, a) in self.leads:
            return not self._overlap_ok(b, a, offset_b, offset_a)
        return True

    def _place(self, order: list, pinned: dict | None = None) -> list:
        offsets = [-1] * len(self.buffers)
        placed: list = []
        for i, off in (pinned or {}).items():
            offsets[i] = off
            placed.append(i)
        for i in order:
            if i in placed:
                continue
            b = self.buffers[i]
            near = [p for p in placed if self.buffers[p].first <= b.last and b.first <= self.buffers[p].last]
            candidates = {0}
            for p in near:
                candidates.add(align_up(offsets[p] + self.buffers[p].size, self.alignment))
                if (i, p) in self.leads:      # i is the output: start lead bytes before the input
                    candidates.add((offsets[p] - self.leads[(i, p)]) // self.alignment * self.alignment)
                if (p, i) in self.leads:      # i is the input: start lead bytes after the output
                    candidates.add(align_up(offsets[p] + self.leads[(p, i)], self.alignment))
                if (i, p) in self.trails:     # i is the output: start trail bytes after the input
                    candidates.add(align_up(offsets[p] + self.trails[(i, p)], self.alignment))
                if (p, i) in self.trails:     # i is the input: start trail bytes before the output
                    candidates.add((offsets[p] - self.trails[(p, i)]) // self.alignment * self.alignment)
            for c in sorted(c for c in candidates if c >= 0 and c % self.alignment == 0):
                if not any(self.conflicts(i, p, c, offsets[p]) for p in near):
                    offsets[i] = c
                    break
            placed.append(i)
        return offsets

    def plan(self, hint: dict | None = None) -> list:
        """One offset per buffer (also set on the buffers). ``hint`` (buffer id -> offset, say another
        plan's for the buffers both have) is tried too: those buffers there, the others by size into
        the gaps, kept if no two buffers conflict and the arena is smaller. With trails, the plan
        without them is made too (greedy placement may do worse with more freedom) and the smaller
        kept."""
        best = self._plan(hint)
        if self.trails:
            trails, self.trails = self.trails, {}
            try:
                forward = self._plan(hint)
            finally:
                self.trails = trails
            if self._size(forward) < self._size(best):
                best = forward
        for b, off in zip(self.buffers, best):
            b.offset = off
        return best

    def _plan(self, hint: dict | None) -> list:
        by_size = sorted(range(len(self.buffers)),
                         key=lambda i: (-self.buffers[i].size, self.buffers[i].first, i))
        best = self._place(by_size)
        if self.leads:
            # each overlapping pair placed together, the larger one first
            partner = {}
            for o, i in self.leads:
                partner.setdefault(o, i)
                partner.setdefault(i, o)
            order, seen = [], set()
            for i in by_size:
                if i in seen:
                    continue
                order.append(i)
                seen.add(i)
                j = partner.get(i)
                if j is not None and j not in seen:
                    order.append(j)
                    seen.add(j)
            tries = [self._place(order)]
            # A large buffer placed first, at 0 or, when it is an input that its output may start
            # below, that far up; the others by size, or outward in time from it (its neighbours
            # in the chain first, which is what lets consecutive overlaps line up).
            pins = [(by_size[0], 0)] + [(i, align_up(lead, self.alignment)) for (o, i), lead in self.leads.items()
                                        if lead > 0 and self.buffers[i].size >= self.buffers[o].size]
            # and an output that may start after its (smaller) input, that far up
            pins += [(o, align_up(trail, self.alignment)) for (o, i), trail in self.trails.items()
                     if trail > 0 and self.buffers[o].size >= self.buffers[i].size]
            for i, off in pins:
                f = self.buffers[i].first
                near_first = sorted(range(len(self.buffers)),
                                    key=lambda j: (abs(self.buffers[j].first - f), -self.buffers[j].size, j))
                tries.append(self._place(by_size, {i: off}))
                tries.append(self._place(near_first, {i: off}))
                # buffers of one step (an operator's scratch) last, into the gaps the others leave
                tries.append(self._place(self._one_step_last(near_first), {i: off}))
            for other in tries:
                if self._size(other) < self._size(best):
                    best = other
        if hint:
            other = self._place(by_size, {i: off for i, off in hint.items() if off >= 0})
            if self._size(other) < self._size(best) and self._valid(other):
                best = other
        return best

    def _valid(self, offsets: list) -> bool:
        """No two buffers conflict at these offsets."""
        n = len(self.buffers)
        return all(not self.conflicts(a, b, offsets[a], offsets[b]) for a in range(n) for b in range(a + 1, n))

    def _one_step_last(self, order: list) -> list:
        return [i for i in order if self.buffers[i].first != self.buffers[i].last] + \
            [i for i in order if self.buffers[i].first == self.buffers[i].last]

    def _size(self, offsets: list) -> int:
        return max((off + b.size for b, off in zip(self.buffers, offsets)), default=0)

    @property
    def arena_size(self) -> int:
        return max((b.offset + b.size for b in self.buffers), default=0)

    def lower_bound(self) -> int:
        return max(self.step_bytes().values(), default=0)

    def step_bytes(self) -> dict:
        """Step -> bytes of the buffers alive there (overlapping pairs as their smallest span), for the
        steps where a buffer is born (the others hold no more)."""
        steps = sorted({b.first for b in self.buffers})
        totals = {}
        for s in steps:
            live = {i for i, b in enumerate(self.buffers) if b.first <= s <= b.last}
            total = sum(self.buffers[i].size for i in live)
            for (o, i), lead in self.leads.items():
                if o in live and i in live:
                    so, si = self.buffers[o].size, self.buffers[i].size
                    span = max(so, si + max(lead, 0))
                    if (o, i) in self.trails:
                        span = min(span, max(si, so + max(self.trails[(o, i)], 0)))
                    total -= max(0, so + si - span)
            totals[s] = total
        return totals
