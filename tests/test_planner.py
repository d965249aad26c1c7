"""The memory planner: valid plans (no two live buffers share a byte), near the lower bound."""
import numpy as np

from platformio_tinyml.planner import MemoryPlanner


def _check_valid(p: MemoryPlanner):
    bs = p.buffers
    for i, a in enumerate(bs):
        assert a.offset % p.alignment == 0
        for b in bs[i + 1:]:
            if a.first <= b.last and b.first <= a.last:
                assert a.offset + a.size <= b.offset or b.offset + b.size <= a.offset, (a, b)


def test_random_plans_are_valid():
    rng = np.random.default_rng(0)
    for _ in range(200):
        p = MemoryPlanner(alignment=int(rng.choice([1, 4, 16])))
        steps = int(rng.integers(1, 20))
        for _ in range(int(rng.integers(1, 25))):
            a = int(rng.integers(0, steps))
            b = int(rng.integers(a, steps))
            p.add(int(rng.integers(1, 5000)), a, b)
        p.plan()
        _check_valid(p)
        assert p.arena_size >= p.lower_bound()


def test_chain_reaches_lower_bound():
    # a linear chain (each tensor lives from its producer to its consumer) packs into two slots
    p = MemoryPlanner(alignment=4)
    sizes = [1000, 4000, 2000, 3000, 500]
    for i, s in enumerate(sizes):
        p.add(s, i, i + 1)
    p.plan()
    _check_valid(p)
    assert p.arena_size == p.lower_bound() == max(a + b for a, b in zip(sizes, sizes[1:]))


def test_disjoint_lifetimes_share_memory():
    p = MemoryPlanner()
    p.add(100, 0, 0)
    p.add(100, 1, 1)
    assert p.plan() == [0, 0]
    assert p.arena_size == 100
