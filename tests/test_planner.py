"""The memory planner: valid plans (no two live buffers share a byte), near the lower bound."""
import numpy as np

from platformio_tinyml.plan.planner import MemoryPlanner


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


def _check_valid_with_leads(p: MemoryPlanner):
    bs = p.buffers
    for a in range(len(bs)):
        assert bs[a].offset % p.alignment == 0
        for b in range(a + 1, len(bs)):
            x, y = bs[a], bs[b]
            if x.first <= y.last and y.first <= x.last and \
                    not (x.offset + x.size <= y.offset or y.offset + y.size <= x.offset):
                # sharing bytes is allowed only to a declared pair, with the output lead bytes ahead or,
                # where the kernel may run backward, trail bytes behind
                o, i = (a, b) if (a, b) in p.leads else (b, a)
                assert (o, i) in p.leads, (x, y)
                ahead = bs[i].offset - bs[o].offset
                assert ahead >= p.leads[(o, i)] or (o, i) in p.trails and -ahead >= p.trails[(o, i)], \
                    (x, y, p.leads[(o, i)], p.trails.get((o, i)))


def _chain_with_sides(rng):
    """A planner holding a random chain of tensors and a few side buffers (scratch, branches); the
    chain's buffer ids."""
    p = MemoryPlanner(alignment=int(rng.choice([1, 4, 16])))
    n = int(rng.integers(2, 12))
    ids = [p.add(int(rng.integers(1, 5000)), i, i + 1) for i in range(n)]
    for _ in range(int(rng.integers(0, 4))):
        a = int(rng.integers(0, n))
        p.add(int(rng.integers(1, 3000)), a, int(rng.integers(a, n + 1)))
    return p, ids


def test_random_chains_with_overlaps_are_valid():
    rng = np.random.default_rng(1)
    for _ in range(300):
        p, ids = _chain_with_sides(rng)
        n = len(ids)
        for k in range(n - 1):
            if rng.random() < 0.7:
                p.allow_overlap(ids[k + 1], ids[k], int(rng.integers(-3000, 6000)))
        p.plan()
        _check_valid_with_leads(p)
        assert p.arena_size >= p.lower_bound()


def test_random_chains_with_trails_are_valid():
    """Pairs whose kernel may also run backward (a trail besides the lead): every plan valid, never
    below the lower bound, and never larger than the same chain without the trails (the planner keeps
    the plan without them where that is smaller)."""
    rng = np.random.default_rng(4)
    for _ in range(300):
        seed = int(rng.integers(0, 1 << 30))
        sizes = []
        for trails in (False, True):
            r = np.random.default_rng(seed)
            p, ids = _chain_with_sides(r)
            for k in range(len(ids) - 1):
                lead, trail, back = int(r.integers(-3000, 6000)), int(r.integers(0, 600)), r.random() < 0.6
                if r.random() < 0.7:
                    p.allow_overlap(ids[k + 1], ids[k], lead, trail if trails and back else None)
            p.plan()
            _check_valid_with_leads(p)
            assert p.arena_size >= p.lower_bound()
            sizes.append(p.arena_size)
        assert sizes[1] <= sizes[0]


def test_backward_pointwise_makes_room_before_it():
    """MobileNet's first layers: image -> conv -> depthwise (with a 1,200-byte ring, scratch of its step) ->
    pointwise twice as wide. Run forward, the pointwise output must start 18,448 bytes before its input,
    which leaves the depthwise step no room for its ring within the pointwise step's 36,880 bytes; allowed
    to run backward (its output from 8 bytes after its input), everything fits in 36,872."""
    sizes = []
    for trail in (None, 8):
        p = MemoryPlanner(alignment=4)
        img, c0, d1, p2 = (p.add(s, i, i + 1) for i, s in enumerate([27648, 18432, 18432, 36864]))
        p.add(1200, 2, 2)  # the ring
        p.allow_overlap(c0, img, 384)
        p.allow_overlap(d1, c0, 392)
        p.allow_overlap(p2, d1, 18448, trail)
        p.plan()
        _check_valid_with_leads(p)
        sizes.append(p.arena_size)
    assert sizes[1] == 36872 == p.lower_bound()
    assert sizes[0] > 36880


def test_overlaps_line_up_along_a_chain():
    # the shape of a MobileNet's first layers: image -> 2x larger -> same -> 2x larger -> 4x smaller;
    # each output may start `lead` bytes before its input
    p = MemoryPlanner(alignment=4)
    sizes = [9216, 18432, 18432, 36864, 9216, 18432]
    leads = [9400, 784, 18448, 32, 9248]
    ids = [p.add(s, i, i + 1) for i, s in enumerate(sizes)]
    for k, lead in enumerate(leads):
        p.allow_overlap(ids[k + 1], ids[k], lead)
    p.plan()
    _check_valid_with_leads(p)
    assert p.lower_bound() == 36864 + 32
    assert p.arena_size <= p.lower_bound() + 16
    assert p.arena_size < 18432 + 36864          # far below the plan without overlaps


def _random_chain(rng, p: MemoryPlanner, n: int):
    """A chain of n tensors with overlapping outputs (random leads), as the converter declares them."""
    for i in range(n):
        p.add(int(rng.integers(100, 3000)), i, i + 1)
    for i in range(n - 1):
        p.allow_overlap(i + 1, i, int(rng.integers(-200, 400)))


def test_hint_gives_valid_plans_no_larger():
    """A plan hinted with another plan's offsets (the tensors of a leaner lowering, whose scratch buffers
    differ) stays valid and is never larger than the plan without the hint; hints that conflict (a
    smaller lead than the hinted layout needs, offsets made up) are refused."""
    rng = np.random.default_rng(3)
    for case in range(150):
        seed = int(rng.integers(0, 1 << 30))
        n = int(rng.integers(2, 12))
        lean = MemoryPlanner(alignment=4)
        _random_chain(np.random.default_rng(seed), lean, n)
        lean.plan()
        scratch = [(int(rng.integers(4, 2000)), int(rng.integers(0, n))) for _ in range(int(rng.integers(1, 5)))]
        sizes = []
        for hinted in (False, True):
            p = MemoryPlanner(alignment=4)
            _random_chain(np.random.default_rng(seed), p, n)
            for nb, step in scratch:
                p.add(nb, step, step)
            hint = {i: lean.buffers[i].offset for i in range(n)}
            if case % 3 == 2:  # a made-up hint: every tensor at 0
                hint = {i: 0 for i in range(n)}
            p.plan(hint if hinted else None)
            _check_valid_with_leads(p)
            sizes.append(p.arena_size)
        assert sizes[1] <= sizes[0]


def test_hint_keeps_a_leaner_plan_whole():
    """Scratch that fits the gaps of a leaner plan's layout costs no arena when that layout is hinted."""
    p = MemoryPlanner(alignment=4)
    p.add(1000, 0, 1)
    p.add(1000, 1, 2)
    p.add(1000, 2, 3)
    p.add(400, 1, 1)  # scratch of step 1, beside the two tensors alive there
    p.plan({0: 0, 1: 1000, 2: 0})
    _check_valid(p)
    assert p.arena_size == 2400
