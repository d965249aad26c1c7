"""How far a quantized graph is from its float original: simulated rounding, output by output and
layer by layer (what ``tinyml quantize -v`` prints)."""
from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ..ir import Graph
from .floatref import FloatInterpreter
from .params import round_half_away



def sqnr_db(ref: np.ndarray, got: np.ndarray) -> float:
    """Signal-to-quantization-noise ratio in dB (inf when equal).

    >>> round(sqnr_db(np.array([1.0, -1.0]), np.array([1.1, -1.0])), 1)
    23.0
    """
    ref, got = np.asarray(ref, np.float64), np.asarray(got, np.float64)
    noise = float(((ref - got) ** 2).sum())
    signal = float((ref ** 2).sum())
    if noise == 0:
        return math.inf
    return 10 * math.log10(signal / noise) if signal > 0 else -math.inf



def simulated_graph(q: Graph) -> Graph:
    """``q`` with every constant dequantized and every tensor float32: run it with
    :func:`fake_quant` as the transform to simulate the int8 model's rounding in float."""
    s = copy.deepcopy(q)
    for t in s.tensors:
        if t.is_const and t.quantized and t.dtype in ("int8", "int16", "int32", "int64"):
            scale = t.scale.astype(np.float64)
            zp = (t.zero_point if t.zero_point is not None else np.zeros(len(scale))).astype(np.float64)
            if len(scale) > 1:
                shape = [1] * t.data.ndim
                shape[t.quant_dim] = -1
                scale, zp = scale.reshape(shape), zp.reshape(shape)
            t.data = ((t.data.astype(np.float64) - zp) * scale).astype(np.float32)
        if t.is_variable and t.variable_init is not None:
            t.variable_init = np.zeros(t.shape, np.float32)
        if t.quantized or t.dtype == "float32":
            t.dtype = "float32"     # unquantized integers (indices, shapes) keep their dtype
    return s


def fake_quant(q: Graph) -> Callable:
    """The transform that rounds each int8/int16 activation of ``q`` to its grid (saturating)."""
    grid = {}
    for t in q.tensors:
        if not t.is_const and t.quantized and t.dtype in ("int8", "int16"):
            lo, hi = (-128, 127) if t.dtype == "int8" else (-32768, 32767)
            grid[t.index] = (float(t.scale[0]), int(t.zero_point[0]), lo, hi)

    def transform(tid, v):
        if tid not in grid:
            return v
        s, z, lo, hi = grid[tid]
        return (np.clip(round_half_away(v.astype(np.float64) / s) + z, lo, hi) - z) * s
    return transform


@dataclass
class QuantReport:
    model: str
    samples: int                        # how many samples the report ran
    outputs: list                       # per model output: dict(name, sqnr_db, max_abs_error, max_abs)
    layers: list = field(default_factory=list)   # per op: dict(index, op, tensor, sqnr_db, max_abs_error)
    rewrites: list = field(default_factory=list)
    calibrated: int = 0                 # how many samples calibration ran
    scheme: str = "int8"
    kept_float: list = field(default_factory=list)   # "NEG (why)" per operator type left float32

    def lines(self, verbose: bool = False) -> list:
        of = f" of {self.calibrated}" if self.calibrated > self.samples else ""
        out = [f"{self.model}: calibrated on {self.calibrated} sample(s); {self.scheme} vs float on "
               f"{self.samples}{of} (simulated rounding):"]
        for o in self.outputs:
            out.append(f"  output '{o['name']}': SQNR {o['sqnr_db']:.1f} dB, max abs error {o['max_abs_error']:.4g} "
                       f"(max |float| {o['max_abs']:.4g})")
        if self.kept_float:
            out.append(f"  kept float32 (between DEQUANTIZE and QUANTIZE): {'; '.join(self.kept_float)}")
        if verbose:
            for r in self.rewrites:
                out.append(f"  float graph: {r}")
            for lay in self.layers:
                out.append(f"  op {lay['index']:3d} {lay['op']:<28} SQNR {lay['sqnr_db']:6.1f} dB  "
                           f"max abs error {lay['max_abs_error']:.4g}  '{lay['tensor']}'")
        return out


def error_report(f: Graph, q: Graph, samples: list, rewrites: list = ()) -> QuantReport:
    """How far the int8 graph is from the float one on ``samples``, output by output and layer by layer."""
    fi, si = FloatInterpreter(f), FloatInterpreter(simulated_graph(q))
    transform = fake_quant(q)
    by_name = {}
    for op in q.ops:
        if op.type in ("QUANTIZE", "DEQUANTIZE"):
            continue
        name = q.tensors[op.outputs[0]].name
        name = name[:-len("/int8")] if name.endswith("/int8") else name   # see _float_io
        src = [t.index for t in f.tensors if t.name == name]
        if len(src) == 1:
            by_name[op.outputs[0]] = (op, src[0])
    ref_vals: dict = {}
    sim_vals: dict = {}
    ref_out, sim_out = [], []
    for sample in samples:
        fi.reset()
        si.reset()
        cur_f: dict = {}
        cur_s: dict = {}
        ref_out.append(fi.run(sample, observe=lambda k, v: cur_f.__setitem__(k, v)))
        sim_out.append(si.run(sample, observe=lambda k, v: cur_s.__setitem__(k, v), transform=transform))
        for qt, (op, ft) in by_name.items():
            if qt in cur_s and ft in cur_f:
                ref_vals.setdefault(qt, []).append(cur_f[ft].reshape(-1))
                sim_vals.setdefault(qt, []).append(cur_s[qt].reshape(-1))
    outputs = []
    for k, tid in enumerate(f.outputs):
        r = np.concatenate([o[k].reshape(-1) for o in ref_out]).astype(np.float64)
        s = np.concatenate([o[k].reshape(-1) for o in sim_out]).astype(np.float64)
        outputs.append(dict(name=f.tensors[tid].name, sqnr_db=sqnr_db(r, s),
                            max_abs_error=float(np.abs(r - s).max()), max_abs=float(np.abs(r).max())))
    layers = []
    for qt, (op, ft) in by_name.items():
        if qt not in ref_vals:
            continue
        r = np.concatenate(ref_vals[qt]).astype(np.float64)
        s = np.concatenate(sim_vals[qt]).astype(np.float64)
        layers.append(dict(index=op.index, op=op.type, tensor=q.tensors[qt].name, sqnr_db=sqnr_db(r, s),
                           max_abs_error=float(np.abs(r - s).max())))
    layers.sort(key=lambda d: d["index"])
    return QuantReport(model=f.name, samples=len(samples), outputs=outputs, layers=layers, rewrites=list(rewrites))
