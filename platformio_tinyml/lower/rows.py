"""Row-ordered kernels: how far an output may overlap its input, and pools fused with their producer.

Every CONV_2D, DEPTHWISE_CONV_2D and pooling kernel of the library (reference and optimized
paths) computes output pixels in order (row by row, left to right), at most two pixels at a
time, and writes a pixel only after reading what it needs. So an output can be written over
the input rows that later pixels no longer read; :func:`window_lead` says how many bytes the
output must start before the input for that to be safe, and the planner places the two
accordingly.

A pool whose windows do not overlap (filter height <= stride height) and that is the only
consumer of a convolution's output can be computed band by band: the convolution writes the
rows one pool output row needs into a small buffer and the pool reduces them, so the
convolution's whole output never exists (:func:`fuse_pools`). The kernels are called with
their params restricted to the band (:func:`band_runs`: constant structs, one per run of equal
bands): every output value is computed by the same code as unfused, so the results are identical.

>>> geo = dict(batches=1, input_height=4, input_width=1, output_height=4, output_width=1, stride_height=1,
...            stride_width=1, pad_height=0, pad_width=0, filter_height=1, filter_width=1)
>>> window_lead(geo, 1, 1)   # pointwise, same bytes per pixel: two pixels in flight
2
>>> window_lead(geo, 1, 4)   # 4x wider output: it must start 14 bytes before the input
14
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .registry import TensorRef

WINDOW_KERNELS = ("tml_conv_", "tml_depthwise_conv_", "tml_average_pool_", "tml_max_pool_")
POOL_KERNELS = ("tml_average_pool_", "tml_max_pool_")
TILE = 2  # output pixels a kernel may have in flight (the 2x2 pointwise tile)


def window_lead(geo: dict, in_pixel_bytes: int, out_pixel_bytes: int, tile: int = TILE):
    """Smallest ``offset(input) - offset(output)`` at which the output may overlap the input, or None.

    Output pixel q is written while pixels q - tile + 1 .. q are in flight; its bytes must end
    before the first input byte that those or any later pixels read.
    """
    if geo["batches"] != 1:
        return None
    ih, iw, oh, ow = geo["input_height"], geo["input_width"], geo["output_height"], geo["output_width"]
    fh, fw = geo["filter_height"], geo["filter_width"]
    dh, dw = geo.get("dilation_height", 1), geo.get("dilation_width", 1)
    # first valid tap of each output pixel's window (rows, then columns), in input pixels
    row0 = _first_tap(np.arange(oh) * geo["stride_height"] - geo["pad_height"], fh, dh, ih)
    col0 = _first_tap(np.arange(ow) * geo["stride_width"] - geo["pad_width"], fw, dw, iw)
    first = np.where((row0[:, None] < ih) & (col0[None, :] < iw), row0[:, None] * iw + col0[None, :], ih * iw)
    first = first.reshape(-1)
    # the first input pixel read by pixel k or any later one
    need = np.minimum.accumulate(first[::-1])[::-1]
    q = np.arange(oh * ow)
    start = np.maximum(q - tile + 1, 0)
    return int(np.max((q + 1) * out_pixel_bytes - need[start] * in_pixel_bytes))


def backward_trail(in_pixel_bytes: int) -> int:
    """Smallest ``offset(output) - offset(input)`` at which a pointwise convolution at stride 1 run
    backward (last pixel first) may overlap its input, its output at least as wide per pixel: one input
    pixel, the one whose output the reference kernel writes channel by channel while it reads it (the
    packed kernel reads a pair's inputs before writing: none); every output byte then lies at or past
    the input pixels done."""
    return in_pixel_bytes


def _first_tap(start, taps: int, step: int, size: int):
    """Per window starting at ``start`` (an int64 array), the first of its ``taps`` taps ``step`` apart
    that lies in ``[0, size)``, or ``size`` where none does. The taps only go up: the first one at or
    above 0 is the only candidate, so the cost does not depend on the filter's size."""
    k = np.maximum(0, -(start // step))   # ceil(-start / step), at least 0
    r = start + k * step
    return np.where((k < taps) & (r < size), r, size)


def ring_lead(geo: dict, in_pixel_bytes: int, out_pixel_bytes: int):
    """:func:`window_lead` for a kernel that copies the input rows an output row reads into scratch
    (in row order, each row once) and then writes the whole output row: output row y must end before
    the first input row not yet copied, ``min(input_height, y * stride - pad + filter_height)``."""
    if geo["batches"] != 1:
        return None
    y = np.arange(geo["output_height"])
    copied = np.minimum(geo["input_height"], y * geo["stride_height"] - geo["pad_height"] + geo["filter_height"])
    return int(np.max((y + 1) * geo["output_width"] * out_pixel_bytes -
                      copied * geo["input_width"] * in_pixel_bytes))


def _restrict(params: dict, y0: int, y1: int, need_rows: int):
    """A window operator's params restricted to output rows [y0, y1), and the first input row it reads.

    The band starts at that input row (leading padding what the window still has above it) and holds
    at most ``need_rows`` rows (the rows these outputs read; fewer where the image ends, which the
    kernel then pads as it would). Every output value is computed exactly as in the whole call.
    """
    top = y0 * params["stride_height"] - params["pad_height"]
    first = max(top, 0)
    rows = min(params["input_height"] - first, top + need_rows - first)
    return dict(params, input_height=rows, output_height=y1 - y0, pad_height=first - top), first


@dataclass
class Run:
    """Pool rows [q0, q1) computed with the same restricted params; the producer reads from input row
    ``first + (q - q0) * step`` on."""
    q0: int
    q1: int
    a_params: dict
    b_params: dict
    first: int
    step: int


@dataclass
class Fusion:
    """A window kernel (call ``a``) whose output feeds only a pool (call ``b``), run band by band."""
    a: int            # index in ctx.calls
    b: int
    tensor: int       # the intermediate tensor, never stored whole
    band: object      # ScratchRef of the band buffer
    band_rows: int    # intermediate rows the band holds (the pool's filter height at most)
    in_row: int       # elements per row of the producer's input and of the pool's output
    out_row: int
    runs: list        # Run


def band_runs(pa: dict, pb: dict) -> list:
    """For each pool output row, the producer's and the pool's params restricted to it, grouped into runs
    of equal params (and input rows in arithmetic progression): the generated C calls the kernels with
    constant params, which the compiler specializes as for the whole call."""
    dh = pa.get("dilation_height", 1)
    reach = (pa["filter_height"] - 1) * dh + 1            # input rows one output row reads
    per_q = []
    for q in range(pb["output_height"]):
        top = q * pb["stride_height"] - pb["pad_height"]
        r0, r1 = max(top, 0), min(top + pb["filter_height"], pb["input_height"])
        a, first = _restrict(pa, r0, r1, (r1 - r0 - 1) * pa["stride_height"] + reach)
        b, _ = _restrict(dict(pb, input_height=r1 - r0, pad_height=pb["pad_height"] + r0), q, q + 1,
                         pb["filter_height"])
        per_q.append((a, b, first))
    runs: list = []
    for q, (a, b, first) in enumerate(per_q):
        last = runs[-1] if runs else None
        if last and last.a_params == a and last.b_params == b and \
                (last.q1 - last.q0 == 1 or first == last.first + (q - last.q0) * last.step):
            if last.q1 - last.q0 == 1:
                last.step = first - last.first
            last.q1 = q + 1
            continue
        runs.append(Run(q, q + 1, a, b, first, 0))
    return runs


def fuse_pools(ctx) -> None:
    """Find producer -> pool pairs that can run band by band; record them in ``ctx.fusions``."""
    g = ctx.g
    consumers: dict = {}
    for op in g.ops:
        for tid in op.inputs:
            if tid >= 0:
                consumers.setdefault(tid, []).append(op.index)
    per_op: dict = {}
    for k, c in enumerate(ctx.calls):
        per_op.setdefault(c.op_index, []).append(k)
    for k, (a, b) in enumerate(zip(ctx.calls, ctx.calls[1:])):
        if not (a.fn.startswith(WINDOW_KERNELS) and b.fn.startswith(POOL_KERNELS)):
            continue
        if len(per_op[a.op_index]) != 1 or len(per_op[b.op_index]) != 1 or b.op_index != a.op_index + 1:
            continue
        if any(f.b == k for f in ctx.fusions):
            continue
        out_ref, in_ref = a.args[-1], b.args[0]
        if not (isinstance(out_ref, TensorRef) and out_ref == in_ref):
            continue
        t = g.tensors[out_ref.tid]
        pa, pb = a.params, b.params
        if (out_ref.tid in g.outputs or t.is_variable or consumers.get(out_ref.tid) != [b.op_index]
                or out_ref.tid in ctx.alias_of.values() or pa["batches"] != 1
                or pb["filter_height"] > pb["stride_height"] or pb["filter_height"] >= pb["input_height"]):
            continue
        row_bytes = t.nbytes // pb["input_height"]
        in_t = g.tensors[a.args[0].tid]
        ctx.op = g.ops[a.op_index]
        band = ctx.scratch_buffer(pb["filter_height"] * row_bytes)
        ctx.op = None
        ctx.fusions.append(Fusion(
            a=k, b=k + 1, tensor=out_ref.tid, band=band, band_rows=pb["filter_height"],
            in_row=in_t.size // pa["input_height"], out_row=g.tensors[b.args[-1].tid].size // pb["output_height"],
            runs=band_runs(pa, pb)))
