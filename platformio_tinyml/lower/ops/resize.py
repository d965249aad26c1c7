"""SPACE_TO_DEPTH, DEPTH_TO_SPACE, RESIZE_NEAREST_NEIGHBOR and RESIZE_BILINEAR (4-D NHWC tensors).

The dtypes are TFLite Micro's: float32 and int8 for the block rearrangements and the bilinear
resize, float32, int8 and int16 for the nearest-neighbour resize. None of them requantizes (TFLM
copies or interpolates the raw values whatever the output's scale), so neither do we.

Everything TFLM's kernels compute per output row and column (source indices, interpolation
weights; in float32 or in TFLM's 10-bit fixed point) is computed here, once, with the same
arithmetic, and travels as small constant tables (see library/src/tinyml/ops/resize.h).
An operator whose output is its input bit for bit (block size 1; a resize whose tables map every
position to itself, with zero weights for int8 bilinear) is an alias, no kernel.
"""
from __future__ import annotations

import math

import numpy as np

from ..registry import NULL, register

_SUFFIX = {"int8": "s8", "int16": "s16", "float32": "f32"}


def _nhwc(ctx, t, what: str) -> list:
    if len(t.shape) != 4:
        ctx.fail(f"the {what} must be 4-D (NHWC), got shape {list(t.shape)}")
    dims = [int(d) for d in t.shape]
    if min(dims) <= 0:
        ctx.fail(f"the {what} has an empty dimension: {dims}")
    return dims


def _same_dtype(ctx, inp, out, allowed) -> str:
    if inp.dtype != out.dtype or inp.dtype not in allowed:
        ctx.fail(f"input/output dtypes {ctx.dtypes_of(inp, out)} are not supported "
                 f"({' or '.join(allowed)} for both are)")
    return _SUFFIX[inp.dtype]


def _identity(op, ctx, inp, out) -> None:
    """The output is the input's bytes: an alias (a copy for a constant input)."""
    from .shape import _copy_or_alias
    _copy_or_alias(op, ctx, inp, out)


def _block_size(op, ctx) -> int:
    bs = int(op.options.get("block_size", 0))
    if bs < 1:
        ctx.fail(f"block_size {bs} must be at least 1")
    return bs


# ---------------------------------------------------------------- SPACE_TO_DEPTH / DEPTH_TO_SPACE

@register("SPACE_TO_DEPTH", operands=(1, 1, 1, ()))
def lower_space_to_depth(op, ctx):
    inp, out = ctx.t(op.inputs[0]), ctx.t(op.outputs[0])
    suffix = _same_dtype(ctx, inp, out, ("float32", "int8"))
    n, h, w, c = _nhwc(ctx, inp, "input")
    bs = _block_size(op, ctx)
    if h % bs or w % bs:
        ctx.fail(f"input height {h} and width {w} must be multiples of block_size {bs}")
    want = [n, h // bs, w // bs, c * bs * bs]
    if [int(d) for d in out.shape] != want:
        ctx.fail(f"output shape {list(out.shape)} should be {want}")
    if bs == 1:
        return _identity(op, ctx, inp, out)
    ctx.emit(f"tml_space_to_depth_{suffix}", ctx.tensor(inp.index), ctx.tensor(out.index),
             params_type="tml_space_to_depth_params",
             params=dict(batches=n, in_h=h, in_w=w, in_c=c, block=bs))


@register("DEPTH_TO_SPACE", operands=(1, 1, 1, ()))
def lower_depth_to_space(op, ctx):
    inp, out = ctx.t(op.inputs[0]), ctx.t(op.outputs[0])
    suffix = _same_dtype(ctx, inp, out, ("float32", "int8"))
    n, h, w, c = _nhwc(ctx, inp, "input")
    bs = _block_size(op, ctx)
    if c % (bs * bs):
        ctx.fail(f"input depth {c} must be a multiple of block_size^2 = {bs * bs}")
    want = [n, h * bs, w * bs, c // (bs * bs)]
    if [int(d) for d in out.shape] != want:
        ctx.fail(f"output shape {list(out.shape)} should be {want}")
    if bs == 1:
        return _identity(op, ctx, inp, out)
    ctx.emit(f"tml_depth_to_space_{suffix}", ctx.tensor(inp.index), ctx.tensor(out.index),
             params_type="tml_depth_to_space_params",
             params=dict(batches=n, in_h=h, in_w=w, in_c=c, block=bs))


# ---------------------------------------------------------------- resizes

def _resize_common(op, ctx, allowed):
    inp, size, out = ctx.t(op.inputs[0]), ctx.t(op.inputs[1]), ctx.t(op.outputs[0])
    suffix = _same_dtype(ctx, inp, out, allowed)
    n, h, w, c = _nhwc(ctx, inp, "input")
    if size is None or not size.is_const or size.dtype != "int32" or size.size != 2 or len(size.shape) != 1:
        ctx.fail("the size input must be a constant int32 tensor of 2 values (TFLM supports no other)")
    oh, ow = (int(v) for v in np.asarray(size.data).reshape(-1))
    if oh <= 0 or ow <= 0:
        ctx.fail(f"output size {[oh, ow]} must be positive")
    want = [n, oh, ow, c]
    if [int(d) for d in out.shape] != want:
        ctx.fail(f"output shape {list(out.shape)} should be {want}")
    align = bool(op.options.get("align_corners", False))
    half = bool(op.options.get("half_pixel_centers", False))
    return inp, out, suffix, (n, h, w, c, oh, ow), align, half


def nearest_indices(in_size: int, out_size: int, align: bool, half: bool) -> list:
    """Source index of every output position, in float32 as TFLM's GetNearestNeighbor computes it.

    >>> nearest_indices(2, 3, False, False)
    [0, 0, 1]
    >>> nearest_indices(3, 5, True, False)
    [0, 1, 1, 2, 2]
    >>> nearest_indices(4, 2, False, True)
    [1, 3]
    """
    f = np.float32
    if align and out_size > 1:
        scale = f(in_size - 1) / f(out_size - 1)
    else:
        scale = f(in_size) / f(out_size)
    offset = f(0.5) if half else f(0.0)
    out = []
    for v in range(out_size):
        x = (f(v) + offset) * scale
        # TfLiteRound is round half away from zero
        k = int(math.floor(abs(float(x)) + 0.5)) * (1 if x >= 0 else -1) if align else int(math.floor(float(x)))
        k = min(k, in_size - 1)
        if half:
            k = max(0, k)
        out.append(k)
    return out


@register("RESIZE_NEAREST_NEIGHBOR", operands=(2, 2, 1, ()))
def lower_resize_nearest(op, ctx):
    inp, out, suffix, (n, h, w, c, oh, ow), align, half = _resize_common(
        op, ctx, ("float32", "int8", "int16"))
    ys = nearest_indices(h, oh, align, half)
    xs = nearest_indices(w, ow, align, half)
    if ys == list(range(h)) and xs == list(range(w)):
        return _identity(op, ctx, inp, out)
    ctx.emit(f"tml_resize_nearest_{suffix}", ctx.tensor(inp.index), ctx.tensor(out.index),
             params_type="tml_resize_nearest_params",
             params=dict(batches=n, in_h=h, in_w=w, depth=c, out_h=oh, out_w=ow,
                         y_index=ctx.array("int32_t", np.array(ys, np.int64), "rs_y"),
                         x_index=ctx.array("int32_t", np.array(xs, np.int64), "rs_x")))


def bilinear_float_table(in_size: int, out_size: int, align: bool, half: bool) -> tuple:
    """(lower, upper, fraction) per output position, in float32 as TFLM's ResizeBilinear computes them
    (fraction = scaled position - lower, the weight of the upper source).

    >>> bilinear_float_table(2, 4, False, False)
    ([0, 0, 1, 1], [0, 1, 1, 1], [0.0, 0.5, 0.0, 0.5])
    """
    f = np.float32
    scale = f(in_size) / f(out_size)
    if align and out_size > 1:
        scale = f(in_size - 1) / f(out_size - 1)
    lo, hi, frac = [], [], []
    for v in range(out_size):
        x = (f(v) + f(0.5)) * scale - f(0.5) if half else f(v) * scale
        y0 = max(int(math.floor(float(x))), 0)
        y1 = min(int(math.ceil(float(x))), in_size - 1)
        lo.append(y0)
        hi.append(y1)
        frac.append(float(f(x) - f(y0)))
    return lo, hi, frac


def bilinear_int_table(in_size: int, out_size: int, align: bool, half: bool) -> tuple:
    """(lower, upper, weight) per output position in TFLM's 10-bit fixed point (ResizeBilinearInteger):
    weight = scaled position - 1024 * lower, the upper source's weight out of 1024 (negative near the
    first row with half_pixel_centers, as in TFLM).

    >>> bilinear_int_table(2, 4, False, False)
    ([0, 0, 1, 1], [0, 1, 1, 1], [0, 512, 0, 512])
    """
    def cdiv(a, b):  # C's truncating division
        q = abs(a) // abs(b)
        return q if (a >= 0) == (b > 0) else -q
    scale = cdiv(1024 * in_size + out_size // 2, out_size)
    if align and out_size > 1:
        scale = cdiv(1024 * (in_size - 1) + (out_size - 1) // 2, out_size - 1)
    lo, hi, wt = [], [], []
    for v in range(out_size):
        x = v * scale + cdiv(scale, 2) - 512 if half else v * scale
        y0 = max(cdiv(x, 1024), 0)
        y1 = min(cdiv(x + 1023, 1024), in_size - 1)
        lo.append(y0)
        hi.append(y1)
        wt.append(x - 1024 * y0)
    return lo, hi, wt


@register("RESIZE_BILINEAR", operands=(2, 2, 1, ()))
def lower_resize_bilinear(op, ctx):
    inp, out, suffix, (n, h, w, c, oh, ow), align, half = _resize_common(op, ctx, ("float32", "int8"))
    if align and half:
        ctx.fail("align_corners and half_pixel_centers cannot both be true (TFLM refuses it)")
    if suffix == "f32":
        ylo, yhi, yf = bilinear_float_table(h, oh, align, half)
        xlo, xhi, xf = bilinear_float_table(w, ow, align, half)
        tabs = dict(y_tab=ctx.array("int32_t", np.array(ylo + yhi, np.int64), "rs_y"),
                    x_tab=ctx.array("int32_t", np.array(xlo + xhi, np.int64), "rs_x"),
                    y_frac=ctx.array("float", np.array(yf, np.float32), "rs_fy"),
                    x_frac=ctx.array("float", np.array(xf, np.float32), "rs_fx"))
    else:
        ylo, yhi, yw = bilinear_int_table(h, oh, align, half)
        xlo, xhi, xw = bilinear_int_table(w, ow, align, half)
        if max(abs(v) for v in yw + xw) > 2048:
            ctx.fail("interpolation weights out of range")
        if ylo == yhi == list(range(h)) and xlo == xhi == list(range(w)) and not any(yw + xw):
            return _identity(op, ctx, inp, out)
        tabs = dict(y_tab=ctx.array("int32_t", np.array(ylo + yhi + yw, np.int64), "rs_y"),
                    x_tab=ctx.array("int32_t", np.array(xlo + xhi + xw, np.int64), "rs_x"))
    for lo, size, what in ((ylo, h, "height"), (xlo, w, "width")):
        if max(lo) > size - 1:
            ctx.fail(f"the output {what} makes TFLM's source index pass the input's last {what} index "
                     f"({max(lo)} > {size - 1}, TFLM would read out of bounds); such a resize is not supported")
    args = [ctx.tensor(inp.index), ctx.tensor(out.index)]
    if suffix == "s8":
        # the Cortex-M4 kernel's row of vertical sums (tml_resize_bilinear_s8_get_buffer_size), where that
        # row is no longer than what the output pixels read and the arena does not grow for it
        fast = ctx.arch == "cortex-m4" and w <= 2 * ow and ctx.may_take_scratch()
        args.append(ctx.scratch_buffer(4 * w * c) if fast else NULL)
    ctx.emit(f"tml_resize_bilinear_{suffix}", *args, params_type=f"tml_resize_bilinear_{suffix}_params",
             params=dict(batches=n, in_h=h, in_w=w, depth=c, out_h=oh, out_w=ow, **tabs))
