"""Post-training quantization of float32 models to int8 (or int16x8), in numpy.

    float .tflite + calibration inputs  ->  int8 .tflite that TFLite Micro runs

The conventions are TFLite's full-integer ones, so the result is what TFLM's kernels
accept and what TensorFlow's converter would produce:

* activations: int8, asymmetric, one scale per tensor, from the min/max the float graph
  reaches on the calibration data (the range always contains 0, so 0 is exact);
* weights: int8, symmetric (zero point 0), one scale per output channel for CONV_2D,
  DEPTHWISE_CONV_2D, FULLY_CONNECTED and TRANSPOSE_CONV, one per tensor for LSTM gates;
* biases: int32, scale = input scale x weight scale (per channel);
* each operator's output quantization by its class (rules.py, one row per operator): kept from
  the input (data movement, MAXIMUM/MINIMUM, resizes), fixed (SOFTMAX, LOGISTIC, TANH, LOG_SOFTMAX,
  L2_NORMALIZATION), its own calibrated range (arithmetic, activations, weighted operators), not
  quantized (integer outputs: ARG_MAX, SHAPE), or left float32 between a DEQUANTIZE and a QUANTIZE
  (operators TensorFlow's converter leaves float, or that TFLite Micro runs only in float);
* LSTM (TFLM's integer LSTM): int8 input, output and hidden state, int16 cell state with
  a power-of-two scale.

The float graph is cleaned and calibrated first (graphprep.py), from calibration data read by
calibdata.py; report.py measures the result.

By default the quantized model keeps the float32 inputs and outputs of the original, with
a QUANTIZE op after each input and a DEQUANTIZE before each output; ``io="int8"`` exposes
the int8 tensors instead.
"""
from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from ..errors import TinymlError, UnsupportedError
from ..ir import Graph, Op, Tensor
from .calibdata import calibration_hash, load_calibration  # noqa: F401  (the package's entry points)
from .graphprep import Ranges, _check_float_model, calibrate, is_float_model, simplify_float_graph  # noqa: F401
from .params import (asymmetric_params, quantize_bias, quantize_symmetric, round_half_away,  # noqa: F401
                     symmetric_params, symmetric_scales)
from .report import QuantReport, error_report, fake_quant, simulated_graph, sqnr_db  # noqa: F401
from .groups import _covers, _deciding_ranges, _float_islands, _Groups
from .rules import (FIXED, FIXED_OUTPUT, FIXED_OUTPUT_16, FLOAT, LSTM, LSTM_BIASES, LSTM_WEIGHTS,  # noqa: F401
                    OWN_RANGE, QUANTIZABLE, RULES, SAME, SAME_SCALE, WEIGHTED, WEIGHTED_K, WHY_FLOAT, tied_inputs,
                    version)

SCHEMES = ("none", "int8", "int16x8")
IO_TYPES = ("float", "int8", "int16")   # int8/int16: the quantized model's own tensors, per scheme


def _lstm_state(op: Op) -> tuple:
    ins = list(op.inputs) + [-1] * (24 - len(op.inputs))
    return ins[18], ins[19]


def quantize_graph(g: Graph, ranges: Ranges, io: str = "float", scheme: str = "int8") -> Graph:
    """The quantized graph for float graph ``g`` with calibrated ``ranges``.

    ``scheme`` int8: int8 activations; int16x8: int16 activations (symmetric), int8 weights and
    int64 biases, TFLite's 16x8 mode (about 8 more bits of activation precision, 2x the RAM)."""
    if io not in IO_TYPES:
        raise TinymlError(f"unknown I/O type '{io}'; choose one of {', '.join(IO_TYPES)}")
    _check_float_model(g, scheme)
    wide = scheme == "int16x8"
    act_dtype, bias_dtype = ("int16", "int64") if wide else ("int8", "int32")
    fixed_outputs = FIXED_OUTPUT_16 if wide else FIXED_OUTPUT
    act_params = symmetric_params if wide else asymmetric_params
    q = copy.deepcopy(g)
    tensors = q.tensors
    kind = {op.index: RULES[op.type].kind(wide) for op in q.ops}

    def fail(op, msg):
        raise UnsupportedError(f"{g.name}: operator {op.index} ({op.display}): {msg}")

    def is_float(t: int) -> bool:
        return t >= 0 and tensors[t].dtype == "float32"

    # activations to quantize: float32 graph inputs and outputs of quantized operators; the float
    # outputs of FLOAT operators only where a quantized operator (or an integer model output) reads them
    acts = {t for t in q.inputs if is_float(t)}
    island = set()
    for op in q.ops:
        (island if kind[op.index] == FLOAT else acts).update(o for o in op.outputs if is_float(o))
    acts |= {i for op in q.ops if kind[op.index] != FLOAT for i in op.inputs if i in island}
    if io != "float":
        acts |= {o for o in q.outputs if o in island}
    groups = _Groups()
    fixed: dict = {}
    tied: set = set()
    fixed_out = {op.outputs[0]: fixed_outputs[op.type] for op in q.ops if kind[op.index] == FIXED}
    requantized: list = []     # (operator, input position): a fixed-scale input requantized to the op's scale
    for op in q.ops:
        out = op.outputs[0]
        k = kind[op.index]
        if k == SAME:
            positions = tied_inputs(op)
            several = sum(1 for j in positions if is_float(op.inputs[j])) > 1
            for j in positions:
                i = op.inputs[j]
                if several and i in fixed_out and not _covers(fixed_out[i], ranges, out, wide):
                    requantized.append((op, j))     # e.g. an L2_NORMALIZATION beside wider values
                elif is_float(i):
                    groups.union(out, i)
                    tied.add(i)
            for o in op.outputs[1:]:
                if is_float(o):
                    groups.union(out, o)
                    tied.add(o)
        elif k == FIXED:
            fixed[out] = fixed_outputs[op.type]
        elif k == LSTM:
            h, c = _lstm_state(op)
            if h < 0 or c < 0:
                fail(op, "the LSTM has no output_state/cell_state tensors")
            acts.add(h)
            groups.union(out, h)
    members: dict = {}
    for tid in acts | tied:
        members.setdefault(groups.find(tid), []).append(tid)
    deciding = _deciding_ranges(q, kind, acts | tied)

    params: dict = {}
    for root, tids in members.items():
        fixes = {fixed[t] for t in tids if t in fixed}
        if len(fixes) > 1:
            raise UnsupportedError(
                f"{g.name}: tensors {sorted(tids)} must share one scale but have different fixed scales "
                f"{sorted(fixes)} (e.g. a SOFTMAX and a TANH output concatenated); this is not supported")
        if fixes:
            p = fixes.pop()
        else:
            # the ranges that decide (see _deciding_ranges); where none is left, every member's
            use = [t for t in tids if t in deciding and t in ranges.lo] or tids
            lo = min(ranges.lo[t] if t in ranges.lo else _const_range(tensors[t])[0] for t in use)
            hi = max(ranges.hi[t] if t in ranges.hi else _const_range(tensors[t])[1] for t in use)
            p = act_params(lo, hi)
        for t in tids:
            params[t] = p

    for op, j in requantized:
        src = tensors[op.inputs[j]]
        t = copy.deepcopy(src)
        t.index, t.name = len(tensors), src.name + "/requantized"
        tensors.append(t)
        params[t.index] = params[op.outputs[0]]
        q.ops.insert(q.ops.index(op), Op(index=-1, type="QUANTIZE", inputs=[src.index], outputs=[t.index], version=2))
        op.inputs = [t.index if k == j else i for k, i in enumerate(op.inputs)]
    _float_islands(q, kind, params, io, wide)

    def set_q(t: Tensor, dtype: str, scale, zp, axis: int = 0):
        t.dtype = dtype
        t.scale = np.atleast_1d(np.asarray(scale, np.float32))
        t.zero_point = np.atleast_1d(np.asarray(zp, np.int64))
        if len(t.zero_point) != len(t.scale):
            t.zero_point = np.zeros(len(t.scale), np.int64)
        t.quant_dim = axis

    new_tensors: list = []

    def new_const(base: Tensor, data: np.ndarray, dtype: str, scale, zp, axis: int = 0, suffix: str = "") -> int:
        t = Tensor(index=len(tensors) + len(new_tensors), name=base.name + suffix, dtype=dtype,
                   shape=tuple(base.shape), data=data)
        set_q(t, dtype, scale, zp, axis)
        new_tensors.append(t)
        return t.index

    def quantize_const_like(tid: int, p: tuple) -> int:
        base = tensors[tid]
        lo, hi = (-32768, 32767) if wide else (-128, 127)
        data = np.clip(round_half_away(base.data.astype(np.float64) / p[0]) + p[1], lo, hi).astype(act_dtype)
        return new_const(base, data, act_dtype, p[0], p[1])

    for op in q.ops:
        k = kind.get(op.index)
        if k is None or k == FLOAT:      # inserted QUANTIZE/DEQUANTIZE, or float operators: left as they are
            continue
        if not any(i >= 0 and tensors[i].dtype == "float32" for i in list(op.inputs) + list(op.outputs)):
            continue                     # integer arithmetic (an ADD of SHAPE's output): nothing to quantize
        rule = RULES[op.type]
        if k == WEIGHTED_K:
            wi, bi, axis, di = WEIGHTED[op.type]
            w = tensors[op.inputs[wi]]
            if not w.is_const:
                fail(op, "the weights are not constant, so they cannot be quantized ahead of time")
            ws = symmetric_scales(w.data, axis)
            ins = list(op.inputs)
            ins[wi] = new_const(w, quantize_symmetric(w.data, ws, axis), "int8", ws, 0, axis)
            if len(ins) > bi and ins[bi] >= 0:
                b = tensors[ins[bi]]
                bs = (np.float32(params[op.inputs[di]][0]) * ws).astype(np.float32)
                ins[bi] = new_const(b, quantize_bias(b.data, bs, bias_dtype), bias_dtype, bs, 0, 0)
                if "quantized_bias_type" in op.options:
                    op.options["quantized_bias_type"] = 4 if wide else 0    # INT64 / default (int32)
            op.inputs = ins
        elif k == LSTM:
            _quantize_lstm(op, tensors, params, ranges, new_const, set_q, fail)
        if rule.consts:
            ins = list(op.inputs)
            for j, i in enumerate(ins):
                t = q.t(i)
                if t is None or not t.is_const or t.dtype != "float32":
                    continue
                if rule.consts == "sym":         # PRELU's alpha: symmetric, one scale (as TensorFlow)
                    s = symmetric_scales(t.data, None)
                    ins[j] = new_const(t, quantize_symmetric(t.data, s, None), "int8", s, 0)
                else:
                    tied_p = params.get(op.outputs[0]) if rule.consts == "tied" else None
                    ins[j] = quantize_const_like(i, tied_p if tied_p else act_params(*_const_range(t)))
            op.inputs = ins
        if wide and op.type in ("ADD", "SUB"):
            op.options["pot_scale_int16"] = False   # general int16 scales, as TFLite's 16x8 mode writes
        op.version = max(op.version, version(op.type, wide))

    for tid, (scale, zp) in params.items():
        t = tensors[tid]
        if t.is_const:  # a constant operand tied to a group: quantized above into a new tensor
            continue
        set_q(t, act_dtype, scale, zp)
        if t.is_variable:
            t.variable_init = np.full(t.shape, zp, np.int8)
    tensors.extend(new_tensors)

    if io == "float":
        _float_io(q, g)
    for i, op in enumerate(q.ops):
        op.index = i
    return _drop_unused(q)


def _quantize_lstm(op, tensors, params, ranges, new_const, set_q, fail) -> None:
    ins = list(op.inputs) + [-1] * (24 - len(op.inputs))
    for k in list(range(9, 12)) + [16, 17, 20, 21, 22, 23]:
        if ins[k] >= 0:
            fail(op, "only the standard LSTM cell can be quantized (no peephole, projection or layer norm)")
    h, c = _lstm_state(op)
    wsc = {}
    for k in LSTM_WEIGHTS:
        w = tensors[ins[k]]
        s = symmetric_scales(w.data, None)
        wsc[k] = s
        ins[k] = new_const(w, quantize_symmetric(w.data, s, None), "int8", s, 0)
    for gate, k in enumerate(LSTM_BIASES):
        b = tensors[ins[k]]
        bs = (np.float32(params[op.inputs[0]][0]) * wsc[1 + gate]).astype(np.float32)
        ins[k] = new_const(b, quantize_bias(b.data, bs), "int32", bs, 0)
    power = cell_state_power(ranges, ("cell", c))
    set_q(tensors[c], "int16", 2.0 ** power / 32768.0, 0)
    tensors[c].variable_init = np.zeros(tensors[c].shape, np.int16)
    op.inputs = ins
    op.intermediates = []


def cell_state_power(ranges: Ranges, key) -> int:
    """The power of two p of an LSTM cell state's int16 scale 2^p / 32768 (TFLM needs a power of two):
    the smallest whose range covers every calibrated value. (With 16 bits, saturating even a few
    outliers costs more squared error than the resolution a smaller power would win.)

    >>> r = Ranges(); r.add(("cell", 0), np.array([-10.0, 5.0])); cell_state_power(r, ("cell", 0))
    4
    """
    m = max(abs(ranges.lo.get(key, 0.0)), abs(ranges.hi.get(key, 0.0)), 2.0 ** -15)
    return max(math.ceil(math.log2(m)), -15)


def _const_range(t: Tensor) -> tuple:
    if not t.is_const:
        raise TinymlError(f"tensor {t.index} '{t.name}' was never computed during calibration")
    d = t.data.astype(np.float64)
    return float(d.min()), float(d.max())


def _float_io(q: Graph, g: Graph) -> None:
    """Keep the float32 inputs/outputs: QUANTIZE after each quantized input, DEQUANTIZE before each
    quantized output."""
    head, tail = [], []
    for tid in q.inputs:
        if not q.tensors[tid].quantized:      # read by float operators only
            continue
        inner = copy.deepcopy(q.tensors[tid])
        inner.index = len(q.tensors)
        inner.name = q.tensors[tid].name + "/int8"
        q.tensors.append(inner)
        for op in q.ops:
            op.inputs = [inner.index if i == tid else i for i in op.inputs]
        q.tensors[tid] = _as_float(q.tensors[tid], g.tensors[tid])
        head.append(Op(index=0, type="QUANTIZE", inputs=[tid], outputs=[inner.index], version=1))
    for tid in q.outputs:
        if not q.tensors[tid].quantized:      # made by a float operator, or an integer result (ARG_MAX)
            continue
        inner = copy.deepcopy(q.tensors[tid])
        inner.index = len(q.tensors)
        inner.name = q.tensors[tid].name + "/int8"
        q.tensors.append(inner)
        for op in q.ops + head:
            op.outputs = [inner.index if o == tid else o for o in op.outputs]
            op.inputs = [inner.index if i == tid else i for i in op.inputs]
        q.tensors[tid] = _as_float(q.tensors[tid], g.tensors[tid])
        tail.append(Op(index=0, type="DEQUANTIZE", inputs=[inner.index], outputs=[tid], version=2))
    q.ops = head + q.ops + tail
    for i, op in enumerate(q.ops):
        op.index = i


def _as_float(t: Tensor, orig: Tensor) -> Tensor:
    t = copy.deepcopy(t)
    t.dtype, t.scale, t.zero_point, t.quant_dim = "float32", None, None, 0
    t.name = orig.name
    return t


def _drop_unused(q: Graph) -> Graph:
    used = set(q.inputs) | set(q.outputs)
    for op in q.ops:
        used.update(i for i in op.inputs + op.outputs + op.intermediates if i >= 0)
    keep = [t for t in q.tensors if t.index in used]
    remap = {t.index: k for k, t in enumerate(keep)}
    for k, t in enumerate(keep):
        t.index = k
    for op in q.ops:
        op.inputs = [remap[i] if i >= 0 else -1 for i in op.inputs]
        op.outputs = [remap[i] for i in op.outputs]
        op.intermediates = [remap[i] for i in op.intermediates]
    q.tensors = keep
    q.inputs = [remap[i] for i in q.inputs]
    q.outputs = [remap[i] for i in q.outputs]
    return q


@dataclass
class QuantResult:
    data: Optional[bytes]               # the int8 .tflite, or None when the model needed no quantization
    report: Optional[QuantReport]
    message: str = ""


def quantize_model(model_path, calibration, io: str = "float", scheme: str = "int8",
                   option: str = "--calibration", report_samples: int = 100,
                   progress: Optional[Callable] = None) -> QuantResult:
    """Quantize the float model at ``model_path`` with ``calibration`` (path or array) to int8
    (``scheme`` int8) or to int16 activations with int8 weights (int16x8).

    Returns the .tflite bytes and an error report. A model that is already integer is left
    as it is (``data`` None and a message saying so)."""
    from ..read.reader import read_model
    from ..read.writer import write_model

    if scheme not in SCHEMES:
        raise TinymlError(f"unknown quantization '{scheme}'; choose one of {', '.join(SCHEMES)}")
    if io not in IO_TYPES:
        raise TinymlError(f"unknown I/O type '{io}'; choose one of {', '.join(IO_TYPES)}")
    raw = "int16" if scheme == "int16x8" else "int8"
    if io != "float" and io != raw:
        raise TinymlError(f"I/O type {io} does not go with {scheme} quantization, whose tensors are {raw}: "
                          f"use {raw} (or float)")
    g = read_model(str(model_path))
    if not is_float_model(g):
        dtypes = sorted({g.tensors[o].dtype for op in g.ops for o in op.outputs} |
                        {g.tensors[i].dtype for i in g.inputs})
        return QuantResult(None, None, f"{g.name} is already quantized ({'/'.join(dtypes)} tensors), so "
                                       "quantization is skipped and the model is used as it is")
    _check_float_model(g, scheme)
    samples = load_calibration(calibration, g, option)
    f, rewrites = simplify_float_graph(g)
    ranges = calibrate(f, samples, progress)
    q = quantize_graph(f, ranges, io, scheme)
    q.description = f"{scheme} by platformio-tinyml from {g.name} ({len(samples)} calibration samples)"
    data = write_model(q)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):  # the report says it
        rep = error_report(f, q, samples[:report_samples], rewrites) if report_samples else None
    if rep is not None:
        rep.calibrated, rep.scheme = len(samples), scheme
        rep.kept_float = [f"{t}: {WHY_FLOAT[t]}" for t in sorted({op.type for op in f.ops if op.type in WHY_FLOAT})]
    return QuantResult(data, rep)
