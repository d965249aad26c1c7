"""Float kernels of the calibration interpreter (floatref.py) that compute: binary and unary arithmetic,
activations, reductions, TRANSPOSE_CONV and BATCH_MATMUL, by TFLite's reference definitions.

Like the rest of the interpreter they compute in float64 (the caller rounds each output to
float32); where TFLite's definition has a float32 constant or clamp (L2_NORMALIZATION's epsilon,
LEAKY_RELU's alpha) it is kept.
"""
from __future__ import annotations

import numpy as np

from ..lower.ops.conv import compute_padding
from .floatops import _act, _kernel


# -------------------------------------------------------------------------------- binary

@_kernel("SUB")
def _sub(op, a, b):
    return _act(a - b, op)


@_kernel("DIV")
def _div(op, a, b):
    return _act(a / b, op)


@_kernel("MAXIMUM")
def _maximum(op, a, b):
    return np.maximum(a, b)


@_kernel("MINIMUM")
def _minimum(op, a, b):
    return np.minimum(a, b)


@_kernel("SQUARED_DIFFERENCE")
def _squared_difference(op, a, b):
    return (a - b) ** 2


# -------------------------------------------------------------------------------- unary

@_kernel("EXP")
def _exp(op, x):
    return np.exp(x)


@_kernel("LOG")
def _log(op, x):
    return np.log(x)


@_kernel("SQRT")
def _sqrt(op, x):
    return np.sqrt(x)


@_kernel("RSQRT")
def _rsqrt(op, x):
    return 1.0 / np.sqrt(x)


@_kernel("ABS")
def _abs(op, x):
    return np.abs(x)


@_kernel("NEG")
def _neg(op, x):
    return -x


@_kernel("CAST")
def _cast(op, x):
    return x      # the caller converts to the output's dtype (float to integer truncates, as static_cast)


@_kernel("L2_NORMALIZATION")
def _l2_normalization(op, x):
    norm = np.sqrt((x * x).sum(axis=-1, keepdims=True))
    return x / np.maximum(norm, 1e-6)     # TFLite's reference: the norm is at least epsilon 1e-6


# -------------------------------------------------------------------------------- activations

@_kernel("LEAKY_RELU")
def _leaky_relu(op, x):
    alpha = float(np.float32(op.options.get("alpha", 0.2)))
    return np.where(x > 0, x, alpha * x)


@_kernel("PRELU")
def _prelu(op, x, alpha):
    return np.where(x >= 0, x, x * alpha)


@_kernel("HARD_SWISH")
def _hard_swish(op, x):
    return x * np.clip(x + 3.0, 0.0, 6.0) / 6.0


@_kernel("ELU")
def _elu(op, x):
    return np.where(x < 0, np.expm1(np.minimum(x, 0.0)), x)


@_kernel("LOG_SOFTMAX")
def _log_softmax(op, x):
    z = x - x.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


# -------------------------------------------------------------------------------- reductions

def _axes(x, axes) -> tuple:
    return tuple(sorted({int(a) % x.ndim for a in np.asarray(axes).reshape(-1)}))


@_kernel("SUM")
def _sum(op, x, axes):
    ax = _axes(x, axes)
    return x.sum(axis=ax, keepdims=bool(op.options.get("keep_dims", False))) if ax else x


@_kernel("REDUCE_MAX")
def _reduce_max(op, x, axes):
    ax = _axes(x, axes)
    return x.max(axis=ax, keepdims=bool(op.options.get("keep_dims", False))) if ax else x


@_kernel("ARG_MAX", "ARG_MIN")
def _arg(op, x, axis):
    a = int(np.asarray(axis).reshape(-1)[0]) % x.ndim
    return np.argmax(x, axis=a) if op.type == "ARG_MAX" else np.argmin(x, axis=a)


# -------------------------------------------------------------------------------- weighted

@_kernel("TRANSPOSE_CONV")
def _transpose_conv(op, out_shape, w, x, b=None):
    """TFLite's reference TransposeConv: every input pixel scatters weights x value into the output,
    whose padding is computed as a convolution's from the output size back to the input size."""
    o = op.options
    sh, sw = int(o.get("stride_h", 1)), int(o.get("stride_w", 1))
    n, oh, ow, oc = (int(v) for v in np.asarray(out_shape).reshape(-1))
    _, fh, fw, _ = w.shape
    _, ih, iw, _ = x.shape
    pad = {0: "SAME", 1: "VALID"}[o.get("padding", 0)]
    ph = compute_padding(pad, sh, 1, oh, fh)[0]
    pw = compute_padding(pad, sw, 1, ow, fw)[0]
    contrib = np.einsum("nhwc,ofgc->nhwfgo", x, w, optimize=True)          # [N, H, W, FH, FW, OC]
    full = np.zeros((n, max(ph + oh, (ih - 1) * sh + fh), max(pw + ow, (iw - 1) * sw + fw), oc))
    for fy in range(fh):
        for fx in range(fw):
            full[:, fy:fy + sh * ih:sh, fx:fx + sw * iw:sw, :] += contrib[:, :, :, fy, fx, :]
    y = full[:, ph:ph + oh, pw:pw + ow, :]
    if b is not None:
        y = y + b
    return _act(y, op)


@_kernel("BATCH_MATMUL")
def _batch_matmul(op, a, b):
    if op.options.get("adj_x", False):
        a = np.swapaxes(a, -1, -2)
    if op.options.get("adj_y", False):
        b = np.swapaxes(b, -1, -2)
    return np.matmul(a, b)
