"""The input distributions of tests/quant's models, in plain numpy (seeded).

tests/make_quant_models.py draws the calibration samples from these (and commits them, so
TensorFlow's converter and ours calibrate on exactly the same values); tests/test_quant_accuracy.py
draws as many held-aside samples as it needs from the same functions with other seeds.
Each function returns float32 inputs [n, *model input shape] (and labels where there are classes).
"""
from __future__ import annotations

import os

import numpy as np

DIGITS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "quant", "digits8x8.npz")


def hello_world_data(n: int, seed: int) -> np.ndarray:
    """[n,1,1]: x uniform in [0, 2 pi]."""
    return np.random.default_rng(seed).uniform(0, 2 * np.pi, (n, 1, 1)).astype(np.float32)


def conv_net_data(n: int, seed: int):
    """[n,1,16,16,1] images: 0 horizontal bar, 1 vertical bar, 2 filled square, 3 noise only."""
    rng = np.random.default_rng(seed)
    xs = np.zeros((n, 16, 16), np.float32)
    ys = rng.integers(0, 4, n)
    for i, y in enumerate(ys):
        img = rng.normal(0.0, rng.uniform(0.05, 0.2), (16, 16))
        level = rng.uniform(0.6, 1.0)
        if y in (0, 1):
            length, thick = rng.integers(7, 14), rng.integers(1, 3)
            r, c = rng.integers(0, 16 - thick + 1), rng.integers(0, 16 - length + 1)
            bar = np.zeros((16, 16))
            bar[r:r + thick, c:c + length] = level
            img += bar if y == 0 else bar.T
        elif y == 2:
            s = rng.integers(4, 8)
            r, c = rng.integers(0, 16 - s + 1, 2)
            img[r:r + s, c:c + s] += level
        else:
            img += rng.uniform(0, 0.3) * (rng.random((16, 16)) < 0.1)   # a few bright specks
        xs[i] = img
    return xs.reshape(n, 1, 16, 16, 1), ys


def dw_net_data(n: int, seed: int):
    """[n,1,16,16,3] colour textures: 0 smooth gradient, 1 stripes, 2 speckle."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:16, 0:16].astype(np.float64)
    xs = np.zeros((n, 16, 16, 3), np.float32)
    ys = rng.integers(0, 3, n)
    for i, y in enumerate(ys):
        base, color = rng.uniform(0, 0.5, 3), rng.uniform(0.2, 1.0, 3)
        if y == 0:
            ang = rng.uniform(0, 2 * np.pi)
            pattern = 0.5 + 0.5 * np.sin((np.cos(ang) * xx + np.sin(ang) * yy) / rng.uniform(4, 8))
        elif y == 1:
            period, ph = rng.uniform(3, 6), rng.uniform(0, 2 * np.pi)
            coord = xx if rng.random() < 0.5 else yy
            pattern = (np.sin(2 * np.pi * coord / period + ph) > 0).astype(np.float64)
        else:
            pattern = (rng.random((16, 16)) < rng.uniform(0.2, 0.5)).astype(np.float64)
        img = base + pattern[..., None] * color + rng.normal(0, 0.05, (16, 16, 3))
        xs[i] = img
    return xs.reshape(n, 1, 16, 16, 3), ys


def res_net_data(n: int, seed: int):
    """[n,1,12,12,2]: 0 blob in ch0, 1 blob in ch1, 2 blob in both, 3 line in both, 4 noise."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:12, 0:12].astype(np.float64)
    xs = np.zeros((n, 12, 12, 2), np.float32)
    ys = rng.integers(0, 5, n)
    for i, y in enumerate(ys):
        img = rng.normal(0, 0.1, (12, 12, 2))
        cy, cx = rng.uniform(2, 10, 2)
        blob = rng.uniform(0.6, 1.2) * np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * rng.uniform(1, 2) ** 2))
        if y == 0:
            img[..., 0] += blob
        elif y == 1:
            img[..., 1] += blob
        elif y == 2:
            img[..., 0] += blob
            img[..., 1] += blob
        elif y == 3:
            line = np.zeros((12, 12))
            if rng.random() < 0.5:
                line[int(cy), :] = rng.uniform(0.6, 1.2)
            else:
                line[:, int(cx)] = rng.uniform(0.6, 1.2)
            img += line[..., None]
        xs[i] = img
    return xs.reshape(n, 1, 12, 12, 2), ys


def magic_wand_data(n: int, seed: int) -> np.ndarray:
    """[n,1,128,3,1] accelerometer-like traces (smooth sinusoids, gravity, noise)."""
    rng = np.random.default_rng(seed)
    t = np.arange(128) / 128.0
    xs = np.zeros((n, 128, 3), np.float32)
    for i in range(n):
        v = np.zeros((128, 3))
        for a in range(3):
            for _ in range(rng.integers(2, 5)):
                v[:, a] += rng.uniform(0.1, 1.0) * np.sin(2 * np.pi * rng.uniform(0.3, 3.0) * t
                                                           + rng.uniform(0, 2 * np.pi))
        v[:, rng.integers(0, 3)] += rng.choice([-1.0, 1.0])       # gravity, 1 g
        v += rng.normal(0, 0.03, v.shape)
        xs[i] = np.exp(rng.uniform(np.log(3.0), np.log(60.0))) * v
    return xs.reshape(n, 1, 128, 3, 1)


def upscale_bilinear(im: np.ndarray, size: int) -> np.ndarray:
    """Bilinear resize of a square image to size x size (pixel centres aligned, edges clamped)."""
    n = im.shape[0]
    c = np.clip((np.arange(size) + 0.5) * (n / size) - 0.5, 0, n - 1)
    i0 = np.floor(c).astype(int)
    i1 = np.minimum(i0 + 1, n - 1)
    w = c - i0
    rows = im[i0] * (1 - w)[:, None] + im[i1] * w[:, None]
    return rows[:, i0] * (1 - w)[None, :] + rows[:, i1] * w[None, :]


def mnist_digits():
    """scikit-learn's 8x8 digits (tests/quant/digits8x8.npz: 1797 images, values 0..16, labels)
    upscaled to 20x20, centred in 28x28 and scaled to [0, 1]: [1797,1,28,28] float32, labels."""
    d = np.load(DIGITS)
    xs = np.zeros((len(d["images"]), 28, 28), np.float32)
    for i, im in enumerate(d["images"]):
        xs[i, 4:24, 4:24] = np.clip(upscale_bilinear(im.astype(np.float64) / 16.0, 20), 0.0, 1.0)
    return xs.reshape(-1, 1, 28, 28), d["labels"]


def mnist_split(calib_n: int):
    """(calibration indices, held-aside indices) of the digits: a fixed permutation."""
    order = np.random.default_rng(41).permutation(1797)
    return order[:calib_n], order[calib_n:]




# ----------------------------------------------------------------------------- operator models

def blob_images(n: int, seed: int, shape) -> np.ndarray:
    """[n, *shape] NHWC images: a few Gaussian blobs of either sign per channel on a slope, plus noise
    (smooth structure with outliers, so ranges are neither uniform nor symmetric)."""
    rng = np.random.default_rng(seed)
    _, h, w, c = shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    xs = np.zeros((n, h, w, c), np.float32)
    for i in range(n):
        img = rng.normal(0, 0.05, (h, w, c)) + rng.uniform(-0.3, 0.3, c) * (xx[..., None] / max(w - 1, 1))
        for _ in range(rng.integers(1, 4)):
            cy, cx = rng.uniform(0, h), rng.uniform(0, w)
            amp = rng.uniform(0.3, 1.5, c) * rng.choice([-1.0, 1.0], c, p=[0.3, 0.7])
            img += amp * np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * rng.uniform(0.8, 2.5) ** 2))[..., None]
        xs[i] = img
    return xs.reshape((n,) + tuple(shape))


#: the operator models of tests/quant/ (made by tests/make_quant_models.py ops): name -> (input shape,
#: schemes TensorFlow's converter quantizes it in). Their inputs are blob_images of that shape.
OP_MODELS = {
    "binary_net": ((1, 8, 8, 4), ("int8", "int16x8")),      # SUB MAXIMUM MINIMUM SQUARED_DIFFERENCE
    "div_net": ((1, 8, 8, 4), ("int8",)),                   # DIV (of ABS + 1)
    "unary_net": ((1, 8, 8, 4), ("int8", "int16x8")),       # ABS RSQRT, EXP LOG (float in ours)
    "norm_net": ((1, 6, 6, 8), ("int8",)),                  # L2_NORMALIZATION, NEG SQRT (float in ours)
    "movement_net": ((1, 6, 8, 4), ("int8", "int16x8")),    # TRANSPOSE SLICE SPLIT SPLIT_V PACK UNPACK BROADCAST_TO
    "gather_net": ((1, 6, 6, 8), ("int8",)),                # GATHER
    "argmax_net": ((1, 6, 6, 8), ("int8",)),                # ARG_MAX (int32 output)
    "leaky_net": ((1, 8, 8, 3), ("int8", "int16x8")),       # LEAKY_RELU
    "act_net": ((1, 8, 8, 3), ("int8",)),                   # HARD_SWISH PRELU LOG_SOFTMAX, ELU (float)
    "resize_net": ((1, 6, 6, 3), ("int8", "int16x8")),      # RESIZE_NEAREST_NEIGHBOR SUM
    "spatial_net": ((1, 8, 8, 4), ("int8",)),               # SPACE_TO_DEPTH DEPTH_TO_SPACE RESIZE_BILINEAR REDUCE_MAX
    "tconv_net": ((1, 8, 8, 3), ("int8", "int16x8")),       # TRANSPOSE_CONV, BATCH_MATMUL (constant rhs)
    "bmm_net": ((1, 6, 8, 4), ("int8", "int16x8")),         # BATCH_MATMUL of two activations
    "mbv3_net": ((1, 16, 16, 3), ("int8",)),                # MobileNetV3-like block and a small decoder
}


def op_model_data(name: str, n: int, seed: int) -> np.ndarray:
    """[n, *input shape] inputs of operator model ``name``."""
    return blob_images(n, seed, OP_MODELS[name][0])
