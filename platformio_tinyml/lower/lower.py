"""Lowering: graph IR -> a list of kernel calls with their constant data, then memory planning.

Each operator type has one lowering function, registered with
:func:`platformio_tinyml.lower.registry.register` in a module of :mod:`platformio_tinyml.lower.ops`.
A lowering function checks what it supports (raising
through ``ctx.fail``), computes everything an interpreter would compute in Prepare()
(multipliers, shifts, activation ranges, lookup tables), and calls ``ctx.emit`` with the
kernel's name, a params struct (plain field -> value dict) and the argument list.
Values are plain Python numbers or the small reference types of :mod:`platformio_tinyml.lower.registry`;
the C text is produced later by the filters of :mod:`platformio_tinyml.emit.cfmt`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from ..errors import UnsupportedError
from ..ir import DTYPES, Graph, Op, Tensor
from ..plan.planner import MemoryPlanner
from .registry import (NULL, OPERAND_SPECS, REGISTRY, ArrayRef, BackwardRef, PackedRef, ScratchRef, StateRef,
                       TensorRef, lowering_for)
from .rows import fuse_pools


def supported_ops() -> list:
    from . import ops  # noqa: F401  (registers everything)
    return sorted(REGISTRY)


# ---------------------------------------------------------------- what lowering produces


@dataclass
class ConstArray:
    name: str
    ctype: str
    values: np.ndarray
    comment: str = ""
    packed: bool = False   # referenced only through a PackedRef: may go unused


@dataclass
class Call:
    op_index: int
    op_type: str
    fn: str
    args: list
    params_type: Optional[str] = None
    params: Optional[dict] = None
    params_name: Optional[str] = None
    replaced: tuple = ()   # const TensorRefs/ArrayRefs the arch's kernel does not read (a packed copy does)


@dataclass
class Program:
    """Everything code generation needs, as plain data."""
    graph: Graph
    calls: list
    arrays: list
    const_tensors: list          # tensor ids emitted as const arrays
    offsets: dict                # tensor id -> arena offset (after alias resolution)
    scratch_offsets: list        # arena offset of each ScratchRef
    arena_bytes: int
    lower_bound: int
    variables: list              # (tensor id, offset, nbytes, fill byte pattern)
    macs: int
    weight_bytes: int
    alias_of: dict
    fusions: list = field(default_factory=list)   # rows.Fusion: call pairs run band by band
    step_bytes: dict = field(default_factory=dict)  # op index -> arena bytes alive during it (lower bound)
    optional: frozenset = frozenset()  # (op index, variant): kernels that took scratch a leaner one would not need
    asked: list = field(default_factory=list)  # every (op index, variant) asked for, in order
    states: list = field(default_factory=list)  # (arena offset, bytes) of each StateRef, zeroed by reset
    op_macs: dict = field(default_factory=dict)  # op index -> its MACs (the ops that count any)
    scratch: list = field(default_factory=list)  # (bytes, op index) of each ScratchRef


_CTYPE_OF_NP = {np.dtype(v[0]).str: v[1] for k, v in DTYPES.items() if k != "bool"}


_CTYPE_DTYPES = {"int8_t": np.int8, "uint8_t": np.uint8, "int16_t": np.int16, "uint16_t": np.uint16,
                 "int32_t": np.int32, "uint32_t": np.uint32, "int64_t": np.int64, "uint64_t": np.uint64,
                 "float": np.float32}


class LowerCtx:
    def __init__(self, graph: Graph, arch: str = "reference", lean: frozenset = frozenset()):
        self.g = graph
        self.arch = arch
        self.lean = lean               # (op index, variant) that must not take optional scratch
        self.optional: set = set()     # (op index, variant) that took it
        self.asked: list = []          # (op index, variant) asked for, in order
        self.calls: list = []
        self.arrays: dict = {}
        self._array_keys: dict = {}
        self.scratch: list = []        # (nbytes, op index)
        self.states: list = []         # nbytes of each StateRef
        self.alias_of: dict = {}       # tensor id -> tensor id it is a view of
        self.inplace: list = []        # (out tid, in tid, op index)
        self.overlaps: list = []       # (out tid, in tid, op index, lead bytes)
        self.trails: dict = {}         # (out tid, in tid) -> trail bytes: the call may run backward
        self.fusions: list = []        # rows.Fusion
        self.used_consts: set = set()
        self.macs = 0
        self.op_macs: dict = {}       # op index -> the MACs its lowering counted
        self.op: Optional[Op] = None

    # -- facts
    def t(self, index: int) -> Optional[Tensor]:
        return self.g.t(index)

    def fail(self, msg: str):
        op = self.op
        where = f"operator {op.index} ({op.display})" if op else "model"
        raise UnsupportedError(f"{self.g.name}: {where}: {msg}")

    def dtypes_of(self, *tensors) -> str:
        return "/".join(t.dtype if t is not None else "-" for t in tensors)

    # -- references
    def tensor(self, index: int) -> TensorRef:
        if index < 0:
            raise ValueError("optional tensor omitted")
        t = self.g.tensors[index]
        if t.is_const:
            self.used_consts.add(index)
        return TensorRef(index)

    def opt_tensor(self, index: int):
        return NULL if index < 0 else self.tensor(index)

    def array(self, ctype: str, values, hint: str = "c") -> ArrayRef:
        """A constant array in flash (deduplicated by content), stored as ``ctype``."""
        src = np.asarray(values).reshape(-1)
        dtype = _CTYPE_DTYPES[ctype]
        arr = np.ascontiguousarray(src.astype(dtype))
        if np.issubdtype(dtype, np.integer) and not np.array_equal(arr.astype(src.dtype), src):
            self.fail(f"values computed from the model's parameters do not fit {ctype} "
                      f"(from {int(np.min(src))} to {int(np.max(src))})")
        key = (ctype, arr.dtype.str, arr.tobytes())
        if key in self._array_keys:
            return ArrayRef(self._array_keys[key])
        name = f"{hint}{self.op.index if self.op else ''}_{len(self.arrays)}"
        self.arrays[name] = ConstArray(name, ctype, arr)
        self._array_keys[key] = name
        return ArrayRef(name)

    def packed_array(self, ctype: str, values, hint: str, macro: str) -> PackedRef:
        """A constant array in one arch's kernel layout (see PackedRef)."""
        ref = self.array(ctype, values, hint)
        self.arrays[ref.name].packed = True
        return PackedRef(ref.name, macro)

    def may_take_scratch(self, variant: str = "") -> bool:
        """Whether this operator may use a faster kernel that needs arena scratch a leaner kernel does
        without. Memory comes first: :func:`lower_graph` takes it back from the operators where it
        would make the arena larger. An operator with several such kernels asks for each by its
        ``variant`` name, the one needing the most scratch first: each is given up on its own."""
        key = (self.op.index, variant)
        self.asked.append(key)
        if key in self.lean:
            return False
        self.optional.add(key)
        return True

    def scratch_buffer(self, nbytes: int) -> ScratchRef:
        self.scratch.append((int(nbytes), self.op.index))
        return ScratchRef(len(self.scratch) - 1)

    def state_buffer(self, nbytes: int) -> StateRef:
        """Arena bytes the operator keeps from one invoke to the next (placed for the whole run like a
        variable tensor); all zero at start-up and after NAME_reset(), so a kernel's initial state is
        its all-zero state."""
        self.states.append(int(nbytes))
        return StateRef(len(self.states) - 1)

    def alias(self, out_tid: int, in_tid: int) -> None:
        """The output is the input's bytes seen with another shape (RESHAPE, SQUEEZE)."""
        self.alias_of[out_tid] = in_tid

    def allow_inplace(self, out_tid: int, in_tid: int) -> None:
        """The kernel may write its output over this input if the input dies here."""
        self.inplace.append((out_tid, in_tid, self.op.index))

    def allow_overlap(self, out_tid: int, in_tid: int, lead) -> None:
        """The kernel may write its output over the input if the input dies here and the output
        starts at least ``lead`` bytes before it (see :func:`platformio_tinyml.lower.rows.window_lead`)."""
        if lead is not None:
            self.overlaps.append((out_tid, in_tid, self.op.index, int(lead)))

    def allow_backward(self, out_tid: int, in_tid: int, trail: int) -> BackwardRef:
        """Every kernel this call may run can also compute its pixels from the last to the first, and so
        stays correct with its output starting at least ``trail`` bytes after the input (besides the
        lead of :meth:`allow_overlap`). Returns the value of the params field that tells it to."""
        self.trails[(out_tid, in_tid)] = max(int(trail), self.trails.get((out_tid, in_tid), int(trail)))
        return BackwardRef(out_tid, in_tid)

    def emit(self, fn: str, *args, params: Optional[dict] = None, params_type: Optional[str] = None,
             replaced: tuple = ()) -> None:
        """One kernel call. ``replaced``: constants among its arguments that the kernel this arch builds
        does not read, because a packed copy in the params replaces them (the image drops them; they
        stay in the C for the reference build)."""
        op = self.op
        self.calls.append(Call(op.index, op.kind, fn, list(args), params_type, params,
                               replaced=tuple(r for r in replaced if r is not NULL)))


def _kept_const_bytes(g: Graph, ctx: LowerCtx) -> int:
    """Bytes of constants an image built for ctx.arch keeps: every const tensor and array, less those
    that every call referring to them replaces with a packed copy (Call.replaced)."""
    def refs(call):
        vals = list(call.args) + list((call.params or {}).values())
        return {v for v in vals if isinstance(v, (TensorRef, ArrayRef))}
    needed = set()
    mentioned = set()
    for call in ctx.calls:
        r = refs(call)
        mentioned |= r
        needed |= r - set(call.replaced)
    dropped = mentioned - needed
    return sum(g.tensors[i].nbytes for i in ctx.used_consts if TensorRef(i) not in dropped) + \
        sum(a.values.nbytes for a in ctx.arrays.values() if ArrayRef(a.name) not in dropped)


def _root(alias_of: dict, tid: int) -> int:
    # The reader refuses graphs with a cycle, so aliases form chains; the bound keeps a bug from
    # turning into a build that never ends.
    for _ in range(len(alias_of) + 1):
        if tid not in alias_of:
            return tid
        tid = alias_of[tid]
    raise AssertionError(f"tensor aliases form a cycle through tensor {tid}")


def _hint(op: Op) -> str:
    code = op.custom_code or ""
    if code == "ethos-u":
        return (" (the model was compiled by Vela for an Ethos-U NPU: convert the model as it was before Vela "
                "compiled it)")
    if code.startswith("Signal"):
        return (" (not one of TFLM's Signal audio operators this version converts: compute that step in your own "
                "code and convert the rest)")
    if code:
        return " (custom operators cannot be converted: replace it with builtin operators when exporting)"
    return ""


#: Operands each lowering relies on: (fewest inputs, most inputs or None, outputs, optional input positions).
#: Checked before the lowering runs, so a malformed operator is refused with one line, never half-lowered.
_LSTM_OPTIONAL = frozenset({1, 5, 9, 10, 11, 12, 16, 17, 20, 21, 22, 23})
OPERANDS = {
    **{t: (1, 1, 1, ()) for t in ("SOFTMAX", "LOGISTIC", "TANH", "RELU", "RELU6", "QUANTIZE", "DEQUANTIZE",
                                  "AVERAGE_POOL_2D", "MAX_POOL_2D", "SQUEEZE")},
    **{t: (2, 3, 1, (2,)) for t in ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "PADV2")},
    "ADD": (2, 2, 1, ()), "MUL": (2, 2, 1, ()), "MEAN": (2, 2, 1, ()), "PAD": (2, 2, 1, ()),
    "RESHAPE": (1, 2, 1, (1,)), "CONCATENATION": (1, None, 1, ()), "STRIDED_SLICE": (4, 4, 1, ()),
    "SVDF": (5, 5, 1, (3,)), "UNIDIRECTIONAL_SEQUENCE_LSTM": (24, 24, 1, _LSTM_OPTIONAL),
}

_CONST_INPUTS = {"CONV_2D": (2,), "DEPTHWISE_CONV_2D": (2,), "FULLY_CONNECTED": (2,)}

#: The integer range a tensor's zero points must lie in (the kernels take them as int32_t, or as the
#: dtype itself for the 8- and 16-bit types).
_ZP_RANGES = {"int8": (-128, 127), "uint8": (0, 255), "int16": (-32768, 32767)}
_INT32 = (-2**31, 2**31 - 1)
_FLT_MIN = float(np.finfo(np.float32).tiny)


def check_operands(op: Op, ctx: "LowerCtx") -> None:
    """The operator has the operands its lowering reads (constant biases), finite float options, and every
    tensor it uses a supported dtype and usable quantization parameters (finite scales of at least FLT_MIN,
    zero points within the dtype's range); else one line naming model, operator and index."""
    spec = OPERAND_SPECS.get(op.kind) or OPERANDS.get(op.kind)
    if spec is not None:
        lo, hi, n_out, optional = spec
        if len(op.inputs) < lo or (hi is not None and len(op.inputs) > hi) or len(op.outputs) != n_out:
            want = f"{lo}" if lo == hi else f"{lo} to {hi}" if hi is not None else f"at least {lo}"
            ctx.fail(f"has {len(op.inputs)} input(s) and {len(op.outputs)} output(s); {op.kind} needs {want} "
                     f"input(s) and {n_out} output")
        for k, ti in enumerate(op.inputs):
            if ti < 0 and k not in optional:
                ctx.fail(f"input {k} is omitted (tensor {ti}), but {op.kind} needs it")
        for k, ti in enumerate(op.outputs):
            if ti < 0:
                ctx.fail(f"output {k} is omitted (tensor {ti})")
        for k in _CONST_INPUTS.get(op.type, ()):
            if k < len(op.inputs) and op.inputs[k] >= 0 and not ctx.g.tensors[op.inputs[k]].is_const:
                ctx.fail(f"input {k} (tensor {op.inputs[k]}, the bias) must be a constant tensor")
    for key, v in op.options.items():
        if isinstance(v, float) and not np.isfinite(v):
            ctx.fail(f"option {key} is {v}; it must be a finite number")
    for ti in op.inputs + op.outputs + op.intermediates:
        if ti < 0:
            continue
        t = ctx.g.tensors[ti]
        if t.dtype not in DTYPES and ti not in op.intermediates:
            ctx.fail(f"tensor {ti} '{t.name}' has dtype {t.dtype}, which is not supported "
                     f"({', '.join(d for d in DTYPES if d != 'bool')} are)")
        if t.scale is not None and len(t.scale):
            bad = [float(s) for s in t.scale if not (np.isfinite(s) and s >= _FLT_MIN)]
            if bad:
                ctx.fail(f"tensor {ti} '{t.name}' has quantization scale {bad[0]!r}; "
                         "a scale must be a finite number of at least 1.2e-38")
        if t.zero_point is not None and len(t.zero_point):
            zlo, zhi = _ZP_RANGES.get(t.dtype, _INT32)
            bad = [int(z) for z in t.zero_point if not zlo <= int(z) <= zhi]
            if bad:
                ctx.fail(f"tensor {ti} '{t.name}' has zero point {bad[0]}, outside the range of "
                         f"{t.dtype if t.dtype in _ZP_RANGES else 'int32'} ({zlo} to {zhi})")


def lower_graph(g: Graph, arch: str = "reference", alignment: int = 4, optimize: str = "ram") -> Program:
    """Lower and plan the graph. ``optimize="ram"`` (the default): kernels with optional scratch
    (``may_take_scratch``) are kept only as far as the arena stays as small as without any of them: they
    are given up one operator at a time, the one whose step holds the most bytes first, until the plan
    is that small; then each one given up is tried again on its own (a neighbour given up may have been
    what made room). ``optimize="speed"``: every one is kept, the arena as small as the plan with all of
    them (the leanest plan's layout tried too)."""
    if optimize not in ("ram", "speed"):  # (api.OPTIMIZE)
        raise ValueError(f"optimize must be 'ram' or 'speed', not {optimize!r}")
    prog = _lower_graph(g, arch, alignment, frozenset())
    if not prog.optional:
        return prog
    # the leanest plan: every kernel with optional scratch given up (a smaller one is asked for only
    # once a larger one of the operator is given up)
    lean_keys = frozenset(prog.asked)
    lean = _lower_graph(g, arch, alignment, lean_keys)
    while lean.optional:
        lean_keys |= frozenset(lean.asked)
        lean = _lower_graph(g, arch, alignment, lean_keys)
    if prog.arena_bytes <= lean.arena_bytes:
        return prog
    # each plan below also tries the lean plan's layout with the scratch added into its gaps
    hinted = _lower_graph(g, arch, alignment, frozenset(), lean)
    if optimize == "speed":
        return hinted if hinted.arena_bytes < prog.arena_bytes else prog
    prog = hinted
    if prog.arena_bytes <= lean.arena_bytes:
        return prog
    asked = {k: n for n, k in enumerate(lean.asked)}  # an operator's variants, the largest first
    order = sorted(lean_keys, key=lambda k: (-prog.step_bytes.get(k[0], 0), k[0], asked.get(k, 0)))
    given_up: frozenset = frozenset()
    for k in order:
        given_up |= {k}
        prog = _lower_graph(g, arch, alignment, given_up, lean)
        if prog.arena_bytes <= lean.arena_bytes:
            break
    for k in [k for k in order if k in given_up]:
        trial = _lower_graph(g, arch, alignment, given_up - {k}, lean)
        if trial.arena_bytes <= lean.arena_bytes:
            given_up, prog = given_up - {k}, trial
    return prog


def _lower_graph(g: Graph, arch: str, alignment: int, lean: frozenset, hint: Optional[Program] = None) -> Program:
    from . import ops  # noqa: F401  (registers every lowering)
    from .ops.common import ScaleError

    ctx = LowerCtx(g, arch, lean)
    for op in g.ops:
        ctx.op = op
        fn = lowering_for(op)
        if fn is None:
            what = f"custom operator '{op.custom_code}'" if op.type == "CUSTOM" else f"operator {op.type}"
            raise UnsupportedError(
                f"{g.name}: {what} at index {op.index} is not supported{_hint(op)}; supported operators: "
                + ", ".join(supported_ops()))
        check_operands(op, ctx)
        before = ctx.macs
        try:
            fn(op, ctx)
        except ScaleError as e:
            ctx.fail(str(e))
        if ctx.macs != before:
            ctx.op_macs[op.index] = ctx.macs - before
    ctx.op = None
    fuse_pools(ctx)
    for tid in g.inputs + g.outputs:
        t = g.tensors[tid]
        if t.dtype not in DTYPES or (t.dtype == "bool" and tid not in g.outputs):
            raise UnsupportedError(f"{g.name}: model input/output tensor {tid} '{t.name}' has dtype {t.dtype}, "
                                   "which is not supported")
    for kind, ids in (("input", g.inputs), ("output", g.outputs)):
        for k, tid in enumerate(ids):
            t = g.tensors[tid]
            if t.data is not None and not t.is_variable:
                raise UnsupportedError(f"{g.name}: model {kind} {k} is tensor {tid} '{t.name}', a constant; "
                                       "model inputs and outputs must be tensors the caller fills or the model "
                                       "computes")
    return plan(ctx, alignment, hint)


def _scratch_keys(scratch: list) -> list:
    """A key per scratch buffer that another lowering of the same graph gives the same buffer: its
    operator, its size and how many of that operator's buffers of that size come before it."""
    seen: dict = {}
    keys = []
    for nb, step in scratch:
        seen[(step, nb)] = seen.get((step, nb), -1) + 1
        keys.append((step, nb, seen[(step, nb)]))
    return keys


def plan(ctx: LowerCtx, alignment: int = 4, hint: Optional[Program] = None) -> Program:
    """The memory plan of a lowered graph. With ``hint`` (a plan of the same graph with other kernels),
    the planner also tries that plan's offsets for the tensors and scratch buffers both have, the others
    placed into its gaps."""
    g = ctx.g
    n = len(g.ops)
    end = n  # a step after the last operator: outputs stay valid after invoke
    first: dict = {}
    last: dict = {}

    def use(tid: int, step: int) -> None:
        r = _root(ctx.alias_of, tid)
        t = g.tensors[r]
        if t.is_const:
            return
        first[r] = min(first.get(r, step), step)
        last[r] = max(last.get(r, step), step)

    # a fused pool runs inside its producer's step, and their intermediate tensor is never stored
    hidden = {f.tensor for f in ctx.fusions}
    step_of = {ctx.calls[f.b].op_index: ctx.calls[f.a].op_index for f in ctx.fusions}
    for tid in g.inputs:
        use(tid, 0)
    for op in g.ops:
        for tid in op.inputs + op.outputs:
            if tid >= 0 and _root(ctx.alias_of, tid) not in hidden:
                use(tid, step_of.get(op.index, op.index))
    for tid in g.outputs:
        use(tid, end)
    variables = [r for r in first if g.tensors[r].is_variable]
    for r in variables:
        first[r], last[r] = 0, end

    # in-place: merge an output into its input's buffer when the input dies at that op
    merged: dict = {}
    for out_tid, in_tid, step in ctx.inplace:
        ro, ri = _root(ctx.alias_of, out_tid), _root(ctx.alias_of, in_tid)
        ri = merged.get(ri, ri)
        if ro == ri or ri not in last or ro not in first:
            continue
        ti, to = g.tensors[ri], g.tensors[ro]
        if ti.is_variable or to.is_variable or last[ri] != step or ti.nbytes < to.nbytes:
            continue
        merged[ro] = ri
        last[ri] = max(last[ri], last[ro])
        del first[ro], last[ro]

    planner = MemoryPlanner(alignment)
    bid: dict = {}
    for r in sorted(first):
        bid[r] = planner.add(g.tensors[r].nbytes, first[r], last[r])
    sids = [planner.add(nb, step, step) for nb, step in ctx.scratch]
    state_ids = [planner.add(nb, 0, end) for nb in ctx.states]
    for out_tid, in_tid, step, lead in ctx.overlaps:
        ro, ri = _root(ctx.alias_of, out_tid), _root(ctx.alias_of, in_tid)
        if ro in bid and ri in bid and ro != ri and first[ro] == step == last[ri] and \
                not g.tensors[ro].is_variable and not g.tensors[ri].is_variable:
            planner.allow_overlap(bid[ro], bid[ri], lead, ctx.trails.get((out_tid, in_tid)))
    pinned = None
    if hint is not None:
        pinned = {bid[r]: hint.offsets[r] for r in bid if r in hint.offsets}
        old = dict(zip(_scratch_keys(hint.scratch), hint.scratch_offsets))
        pinned.update({s: old[k] for s, k in zip(sids, _scratch_keys(ctx.scratch)) if k in old})
        pinned.update({s: off for s, (off, nb), nb2 in zip(state_ids, hint.states, ctx.states) if nb == nb2})
    offs = planner.plan(pinned)

    offsets = {}
    for tid in range(len(g.tensors)):
        r = _root(ctx.alias_of, tid)
        r = merged.get(r, r)
        if r in bid:
            offsets[tid] = offs[bid[r]]
    variables_info = []
    for r in sorted(variables):
        t = g.tensors[r]
        # Like TFLM's ResetVariableTensors: int8 variables are filled with their zero point,
        # every other dtype with zeros; TFLM ignores any data the file stores for the tensor.
        init = np.zeros(t.shape, t.np_dtype)
        if t.dtype == "int8":
            init = np.full(t.shape, t.q_zero_point, np.int8)
        variables_info.append((r, offsets[r], t.nbytes, init))

    weight_bytes = _kept_const_bytes(g, ctx)
    return Program(graph=g, calls=ctx.calls, arrays=list(ctx.arrays.values()),
                   const_tensors=sorted(ctx.used_consts), offsets=offsets,
                   scratch_offsets=[offs[s] for s in sids], arena_bytes=planner.arena_size,
                   lower_bound=planner.lower_bound(), variables=variables_info, macs=ctx.macs,
                   weight_bytes=weight_bytes, alias_of=dict(ctx.alias_of), fusions=list(ctx.fusions),
                   step_bytes=planner.step_bytes(), optional=frozenset(ctx.optional), asked=list(ctx.asked),
                   states=[(offs[s], nb) for s, nb in zip(state_ids, ctx.states)], op_macs=dict(ctx.op_macs),
                   scratch=list(ctx.scratch))
