"""Test models for SPACE_TO_DEPTH, DEPTH_TO_SPACE, RESIZE_NEAREST_NEIGHBOR and RESIZE_BILINEAR.

TensorFlow models (float32, int8, and int16 16x8 for the nearest-neighbour resize): block sizes 2 and 3,
tf.image.resize (half-pixel centers) and the v1 resizes with align_corners, up- and downscaling by whole
and fractional factors. Flatbuffer-built models: every option combination on awkward sizes (1-pixel
outputs, large upscales, 1-pixel inputs) with raw int8 / int16 / float32 tensors.
"""
from __future__ import annotations

import numpy as np

from .common import tf, to_float, to_int8


def _fn(body, shape):
    tfm = tf()
    return tfm.function(body), [tfm.TensorSpec(shape, tfm.float32)]


def _tf_cases():
    tfm = tf()
    v1 = tfm.compat.v1.image

    def nn(size, align=False, half=False):
        return lambda x: tfm.raw_ops.ResizeNearestNeighbor(images=x, size=size, align_corners=align,
                                                          half_pixel_centers=half)

    def bl(size, align=False, half=False):
        return lambda x: tfm.raw_ops.ResizeBilinear(images=x, size=size, align_corners=align,
                                                   half_pixel_centers=half)
    # name -> (body, input shape, kinds)
    return {
        "s2d_b2": (lambda x: tfm.nn.space_to_depth(x, 2), (1, 4, 6, 3), ("float", "int8")),
        "s2d_b3": (lambda x: tfm.nn.space_to_depth(x, 3), (2, 6, 3, 2), ("float", "int8")),
        "d2s_b2": (lambda x: tfm.nn.depth_to_space(x, 2), (1, 3, 2, 8), ("float", "int8")),
        "d2s_b3": (lambda x: tfm.nn.depth_to_space(x, 3), (2, 2, 3, 9), ("float", "int8")),
        "nn_up2": (nn([8, 10]), (1, 4, 5, 3), ("float", "int8", "int16")),
        "nn_half": (lambda x: tfm.image.resize(x, [7, 3], method="nearest"), (1, 5, 7, 4),
                    ("float", "int8", "int16")),
        "nn_align": (lambda x: v1.resize_nearest_neighbor(x, [9, 6], align_corners=True), (2, 4, 3, 2),
                     ("float", "int8", "int16")),
        "nn_down": (nn([3, 4]), (1, 9, 8, 5), ("float", "int8")),
        "bl_up2": (bl([8, 10]), (1, 4, 5, 3), ("float", "int8")),
        "bl_half": (lambda x: tfm.image.resize(x, [7, 3], method="bilinear"), (1, 5, 7, 4), ("float", "int8")),
        "bl_align": (lambda x: v1.resize_bilinear(x, [9, 6], align_corners=True), (2, 4, 3, 8), ("float", "int8")),
        "bl_half_up": (bl([11, 13], half=True), (1, 3, 4, 5), ("float", "int8")),
        "bl_down": (bl([4, 3]), (1, 9, 8, 6), ("float", "int8")),
    }


def _raw(op: str, dtype: str, in_shape, size, align: bool, half: bool) -> bytes:
    from tflite_build import build
    q = {} if dtype == "float32" else dict(scale=0.05, zp=-3)
    out_shape = [in_shape[0], size[0], size[1], in_shape[3]]
    opts = "ResizeBilinearOptions" if op == "RESIZE_BILINEAR" else "ResizeNearestNeighborOptions"
    return build(tensors=[dict(shape=list(in_shape), dtype=dtype, **q),
                          dict(shape=[2], dtype="int32", data=np.array(size, np.int32)),
                          dict(shape=out_shape, dtype=dtype, **q)],
                 ops=[dict(op=op, inputs=[0, 1], outputs=[2], options_type=opts,
                           options=dict(align_corners=align, half_pixel_centers=half))],
                 inputs=[0], outputs=[2])


def _schema_cases() -> dict:
    out = {}
    for op, tag, dtypes in (("RESIZE_BILINEAR", "bl", ("float32", "int8")),
                            ("RESIZE_NEAREST_NEIGHBOR", "nn", ("float32", "int8", "int16"))):
        for dtype in dtypes:
            d = {"float32": "f32", "int8": "s8", "int16": "s16"}[dtype]
            out[f"resize_raw_{tag}_{d}_to1x1"] = _raw(op, dtype, (1, 3, 5, 2), (1, 1), False, False)
            out[f"resize_raw_{tag}_{d}_align_to1"] = _raw(op, dtype, (1, 3, 5, 3), (1, 4), True, False)
            out[f"resize_raw_{tag}_{d}_from1"] = _raw(op, dtype, (2, 1, 1, 5), (3, 4), False, True)
            out[f"resize_raw_{tag}_{d}_x5_half"] = _raw(op, dtype, (1, 2, 3, 7), (10, 16), False, True)
            out[f"resize_raw_{tag}_{d}_odd_align"] = _raw(op, dtype, (1, 6, 7, 1), (13, 5), True, False)
    return out


def models() -> dict:
    out = {}
    for name, (body, shape, kinds) in _tf_cases().items():
        fn, specs = _fn(body, shape)
        for k, kind in enumerate(kinds):
            seed = 7 * k + len(name)
            if kind == "float":
                out[f"resize_{name}_f32"] = to_float(fn, specs)
            elif kind == "int8":
                out[f"resize_{name}_int8"] = to_int8(fn, [shape], specs, seed=seed)
            else:
                out[f"resize_{name}_int16"] = to_int8(fn, [shape], specs, int16x8=True, seed=seed)
    out.update(_schema_cases())
    return out
