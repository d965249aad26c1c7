"""Float kernels of the calibration interpreter (floatref.py) that move values: transposes, stacking and
splitting, slices, broadcasts, gathers, block rearrangements and resizes, by TFLite's definitions
(the resizes' source positions in float32, as TFLite computes them)."""
from __future__ import annotations

import numpy as np

from .floatops import _kernel


def _ints(v) -> list:
    return [int(a) for a in np.asarray(v).reshape(-1)]


@_kernel("TRANSPOSE")
def _transpose(op, x, perm):
    return np.transpose(x, _ints(perm))


@_kernel("EXPAND_DIMS")
def _expand_dims(op, x, axis):
    return x      # the output tensor's declared shape is applied by the caller


@_kernel("SHAPE")
def _shape(op, x):
    return np.array(x.shape)


@_kernel("PACK")
def _pack(op, *xs):
    return np.stack(xs, axis=int(op.options.get("axis", 0)))


@_kernel("UNPACK")
def _unpack(op, x):
    axis = int(op.options.get("axis", 0)) % x.ndim
    return [np.take(x, i, axis=axis) for i in range(x.shape[axis])]


@_kernel("SPLIT")
def _split(op, axis, x):
    return np.split(x, int(op.options.get("num_splits", 1)), axis=_ints(axis)[0] % x.ndim)


@_kernel("SPLIT_V")
def _split_v(op, x, sizes, axis):
    a = _ints(axis)[0] % x.ndim
    sizes = _ints(sizes)
    if -1 in sizes:
        sizes[sizes.index(-1)] = x.shape[a] - (sum(sizes) + 1)
    return np.split(x, np.cumsum(sizes)[:-1], axis=a)


@_kernel("SLICE")
def _slice(op, x, begin, size):
    idx = tuple(slice(b, x.shape[d] if s == -1 else b + s) for d, (b, s) in enumerate(zip(_ints(begin), _ints(size))))
    return x[idx]


@_kernel("BROADCAST_TO")
def _broadcast_to(op, x, shape):
    return np.broadcast_to(x, _ints(shape))


@_kernel("GATHER")
def _gather(op, params, indices):
    batch_dims = int(op.options.get("batch_dims", 0))
    idx = np.asarray(indices).astype(np.int64)
    if batch_dims < 0:
        batch_dims += idx.ndim
    axis = int(op.options.get("axis", 0))
    if axis < 0:
        axis += params.ndim

    def take(p, i, bd, ax):
        if bd == 0:
            return np.take(p, i, axis=ax)
        return np.stack([take(p[k], i[k], bd - 1, ax - 1) for k in range(p.shape[0])])
    return take(params, idx, batch_dims, axis)


@_kernel("SPACE_TO_DEPTH")
def _space_to_depth(op, x):
    b = int(op.options.get("block_size", 1))
    n, h, w, c = x.shape
    return x.reshape(n, h // b, b, w // b, b, c).transpose(0, 1, 3, 2, 4, 5).reshape(n, h // b, w // b, b * b * c)


@_kernel("DEPTH_TO_SPACE")
def _depth_to_space(op, x):
    b = int(op.options.get("block_size", 1))
    n, h, w, c = x.shape
    return x.reshape(n, h, w, b, b, c // (b * b)).transpose(0, 1, 3, 2, 4, 5).reshape(n, h * b, w * b, c // (b * b))


def _resize_scale(in_size: int, out_size: int, align_corners: bool) -> np.float32:
    if align_corners and out_size > 1:
        return np.float32(in_size - 1) / np.float32(out_size - 1)
    return np.float32(in_size) / np.float32(out_size)


def nearest_indices(in_size: int, out_size: int, align_corners: bool, half_pixel: bool) -> np.ndarray:
    """The source index of each output position (TFLite's GetNearestNeighbor, float32)."""
    scale = _resize_scale(in_size, out_size, align_corners)
    v = (np.arange(out_size, dtype=np.float32) + np.float32(0.5 if half_pixel else 0.0)) * scale
    v = v.astype(np.float32)
    idx = (np.sign(v) * np.floor(np.abs(v) + 0.5) if align_corners else np.floor(v)).astype(np.int64)
    idx = np.minimum(idx, in_size - 1)
    return np.maximum(idx, 0) if half_pixel else idx


def bilinear_weights(in_size: int, out_size: int, align_corners: bool, half_pixel: bool) -> tuple:
    """(lower index, upper index, weight of the upper) per output position (ComputeInterpolationValues)."""
    scale = _resize_scale(in_size, out_size, align_corners)
    pos = np.arange(out_size, dtype=np.float32)
    if half_pixel:
        v = ((pos + np.float32(0.5)) * scale - np.float32(0.5)).astype(np.float32)
    else:
        v = (pos * scale).astype(np.float32)
    lo = np.maximum(np.floor(v).astype(np.int64), 0)
    hi = np.minimum(np.ceil(v).astype(np.int64), in_size - 1)
    return lo, hi, (v - lo).astype(np.float64)


@_kernel("RESIZE_NEAREST_NEIGHBOR")
def _resize_nearest(op, x, size):
    oh, ow = _ints(size)
    ac, hp = bool(op.options.get("align_corners", False)), bool(op.options.get("half_pixel_centers", False))
    ys = nearest_indices(x.shape[1], oh, ac, hp)
    xs = nearest_indices(x.shape[2], ow, ac, hp)
    return x[:, ys][:, :, xs]


@_kernel("RESIZE_BILINEAR")
def _resize_bilinear(op, x, size):
    oh, ow = _ints(size)
    ac, hp = bool(op.options.get("align_corners", False)), bool(op.options.get("half_pixel_centers", False))
    y0, y1, wy = bilinear_weights(x.shape[1], oh, ac, hp)
    x0, x1, wx = bilinear_weights(x.shape[2], ow, ac, hp)
    wy, wx = wy[None, :, None, None], wx[None, None, :, None]
    top = x[:, y0][:, :, x0] * (1 - wx) + x[:, y0][:, :, x1] * wx
    bottom = x[:, y1][:, :, x0] * (1 - wx) + x[:, y1][:, :, x1] * wx
    return top * (1 - wy) + bottom * wy
