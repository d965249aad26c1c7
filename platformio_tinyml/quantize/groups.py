"""How activations are grouped and where the quantized graph leaves float: the same-scale groups and the
ranges that decide them (as TensorFlow's converter chooses), fixed scales beside wider values, and the
operators that stay float32 between a DEQUANTIZE and a QUANTIZE."""
from __future__ import annotations

import copy

from ..ir import Graph, Op, Tensor
from .rules import FLOAT, RULES, SAME


class _Groups:
    """Union-find over tensor indices that must share one scale and zero point."""

    def __init__(self):
        self.parent = {}

    def find(self, a):
        self.parent.setdefault(a, a)
        while self.parent[a] != a:
            self.parent[a] = self.parent[self.parent[a]]
            a = self.parent[a]
        return a

    def union(self, a, b):
        self.parent[self.find(a)] = self.find(b)


def _deciding_ranges(q: Graph, kind: dict, tensors_: set) -> set:
    """The tensors whose calibrated ranges decide their same-scale group's quantization, as TensorFlow's
    converter chooses them (its RemoveRedundantStatsOps):

    1. forward: an operator that keeps its input's scale and has one float operand (RESHAPE, MAX_POOL_2D,
       TRANSPOSE, SPLIT...) passes its input's range on: its outputs' own ranges do not count;
    2. backward: the output range of a same-scale operator that was not decided so (one with several
       float operands: CONCATENATION, PACK, MAXIMUM, MINIMUM, or a constant among them) decides for its
       operands, and through same-scale operators for theirs, whose own ranges do not count either.

    So a CONCATENATION's or a MAXIMUM's inputs take the output's range (which may clip an input: the
    part of it that no output reaches), and a RESHAPE's output its input's."""
    g_t = q.tensors
    producer = {o: op for op in q.ops for o in op.outputs}
    users: dict = {}
    for op in q.ops:
        for i in op.inputs:
            if i >= 0:
                users.setdefault(i, []).append(op)

    def same(op) -> bool:
        return op is not None and kind.get(op.index) == SAME

    def float_operands(op) -> int:
        return sum(1 for i in op.inputs if i >= 0 and g_t[i].dtype == "float32")

    live = {t for t in tensors_ if not g_t[t].is_const}
    redundant, seen = set(), set()
    work = [t for t in live if not same(producer.get(t))]
    while work:
        t = work.pop()
        for u in users.get(t, []):
            if same(u) and float_operands(u) <= 1:
                for r in u.outputs:
                    if r in live and r not in seen:
                        seen.add(r)
                        redundant.add(r)
                        work.append(r)
    work = [t for t in live if t not in redundant and same(producer.get(t))]
    seen = set(work)
    while work:
        op = producer.get(work.pop())
        if not same(op):
            continue
        for i in op.inputs:
            if i in live:
                redundant.add(i)
                if i not in seen:
                    seen.add(i)
                    work.append(i)
    return live - redundant


def _covers(fixed_params: tuple, ranges, tid: int, wide: bool) -> bool:
    """Whether a fixed quantization's range holds tensor ``tid``'s calibrated range."""
    scale, zp = fixed_params
    qmin, qmax = (-32768, 32767) if wide else (-128, 127)
    lo, hi = ranges.lo.get(tid, 0.0), ranges.hi.get(tid, 0.0)
    return (qmin - zp) * scale - scale / 2 <= lo and hi <= (qmax - zp) * scale + scale / 2


def _float_islands(q: Graph, kind: dict, params: dict, io: str, wide: bool) -> None:
    """Operators that stay float32: a DEQUANTIZE before each quantized input (one per tensor, shared),
    and where a quantized operator reads the float output, a QUANTIZE after it into a new tensor that
    takes over the output's quantization (``params``) and its quantized readers."""
    tensors = q.tensors
    floats = [op for op in q.ops if kind.get(op.index) == FLOAT]
    if not floats:
        return
    ops, dequantized = [], {}

    def add_tensor(base: Tensor, suffix: str) -> int:
        t = copy.deepcopy(base)
        t.index, t.name = len(tensors), base.name + suffix
        t.scale, t.zero_point, t.quant_dim = None, None, 0
        tensors.append(t)
        return t.index

    for pos, op in enumerate(q.ops):
        if kind.get(op.index) != FLOAT:
            ops.append(op)
            continue
        ins = list(op.inputs)
        for j, i in enumerate(ins):
            if i >= 0 and i in params and not tensors[i].is_const:
                if i not in dequantized:
                    dequantized[i] = add_tensor(tensors[i], "/float")
                    ops.append(Op(index=-1, type="DEQUANTIZE", inputs=[i], outputs=[dequantized[i]], version=2))
                ins[j] = dequantized[i]
        op.inputs = ins
        ops.append(op)
        for o in op.outputs:
            if o not in params:
                continue
            qt = add_tensor(tensors[o], "/q")
            params[qt] = params.pop(o)
            ops.append(Op(index=-1, type="QUANTIZE", inputs=[o], outputs=[qt], version=1))
            for later in q.ops[pos + 1:]:
                if kind.get(later.index) != FLOAT:
                    later.inputs = [qt if i == o else i for i in later.inputs]
            if io != "float":
                q.outputs = [qt if t == o else t for t in q.outputs]
    q.ops = ops
    for i, op in enumerate(q.ops):
        op.index = i
    kind.clear()
    kind.update({op.index: RULES[op.type].kind(wide) if op.type in RULES else None for op in q.ops})
