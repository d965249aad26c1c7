"""Test models for TRANSPOSE, PACK, UNPACK, SPLIT, SPLIT_V, SLICE, EXPAND_DIMS, SHAPE, BROADCAST_TO, GATHER.

TensorFlow models (tf.transpose, tf.stack, ...; float and int8, int16x8 where TFLite Micro has the
kernel) and models written with tflite_build.build(): sweeps (one model, one operator per output:
every permutation, axis, window...), dtypes TensorFlow does not produce, and forms TFLite Micro refuses.
"""
from __future__ import annotations

import itertools

import numpy as np

from .common import tf, to_float, to_int8

NP = {"int8": np.int8, "int16": np.int16, "int32": np.int32, "int64": np.int64, "float32": np.float32}
SHORT = {"int8": "int8", "int16": "int16", "int32": "int32", "int64": "int64", "float32": "f32"}


def _fn(body, specs):
    t = tf()

    @t.function(input_signature=specs)
    def f(*xs):
        return body(*xs)
    return f


def _pair(name, body, *shapes, int16=False):
    """{name_f32, name_int8 (, name_int16)} from one tf.function of float inputs."""
    t = tf()
    specs = [t.TensorSpec(s, t.float32) for s in shapes]
    f = _fn(body, specs)
    out = {f"{name}_f32": to_float(f, specs), f"{name}_int8": to_int8(f, list(shapes), specs)}
    if int16:
        out[f"{name}_int16"] = to_int8(f, list(shapes), specs, int16x8=True)
    return out


def _int8_ids(f, specs, float_shapes, id_shapes, vocab, seed=0):
    """Full-integer model of a function taking float inputs then int32 ids (the ids stay int32)."""
    t = tf()
    conv = t.lite.TFLiteConverter.from_concrete_functions([f.get_concrete_function(*specs)], f)
    rng = np.random.default_rng(seed)

    def rep():
        for _ in range(64):
            yield ([rng.uniform(-1, 1, s).astype(np.float32) for s in float_shapes] +
                   [rng.integers(0, vocab, s).astype(np.int32) for s in id_shapes])
    conv.optimizations = [t.lite.Optimize.DEFAULT]
    conv.representative_dataset = rep
    conv.target_spec.supported_ops = [t.lite.OpsSet.TFLITE_BUILTINS_INT8]
    conv.inference_input_type = t.int8
    conv.inference_output_type = t.int8
    return conv.convert()


# ---------------------------------------------------------------- models TensorFlow writes


def tf_models() -> dict:
    t = tf()
    out = {}
    out.update(_pair("movement_transpose_nchw", lambda x: t.transpose(x * 2.0, [0, 3, 1, 2]), [1, 4, 5, 3],
                     int16=True))
    out.update(_pair("movement_transpose_2d", lambda x: t.transpose(x), [6, 7]))
    out.update(_pair("movement_stack", lambda a, b, c: t.stack([a, b * 2.0, c], axis=1), [2, 3], [2, 3], [2, 3],
                     int16=True))
    out.update(_pair("movement_stack_neg", lambda a, b: t.stack([a, b], axis=-1), [4, 5], [4, 5]))

    def unstack(x):
        a, b, c = t.unstack(x, axis=1)
        return a + 1.0, b * 2.0, c
    out.update(_pair("movement_unstack", unstack, [2, 3, 4], int16=True))

    def split(x):
        a, b = t.split(x, 2, axis=-1)
        return a * b, a + b
    out.update(_pair("movement_split", split, [1, 3, 8], int16=True))
    out.update(_pair("movement_split_outer", lambda x: t.split(x, 3, axis=0), [6, 4]))
    out.update(_pair("movement_split_v", lambda x: t.split(x * 3.0, [1, 4, 2], axis=1), [2, 7, 3], int16=True))
    out.update(_pair("movement_slice", lambda x: t.slice(x, [0, 1, 2], [1, 2, -1]) * 2.0, [2, 4, 6], int16=True))
    out.update(_pair("movement_slice_4d", lambda x: t.slice(x, [1, 0, 1, 0], [1, 3, 2, 4]), [2, 3, 4, 4]))
    out.update(_pair("movement_broadcast_to", lambda x: t.broadcast_to(x, [2, 3, 4]) * 2.0, [3, 1], int16=True))
    out.update(_pair("movement_broadcast_to_5d", lambda x: t.broadcast_to(x, [2, 1, 3, 2, 4]), [1, 3, 1, 4]))
    out.update(_pair("movement_gather_axis1", lambda x: t.gather(x * 2.0, [3, 0, 0, 2], axis=1), [2, 5, 3]))

    # the text-classifier form: a constant embedding table, int32 token ids from the caller
    rng = np.random.default_rng(7)
    vocab, dim, seq = 40, 8, 6
    table = t.constant(rng.uniform(-1, 1, (vocab, dim)).astype(np.float32))
    w = t.constant(rng.uniform(-1, 1, (dim, 3)).astype(np.float32))
    specs = [t.TensorSpec([1, seq], t.int32)]
    f = _fn(lambda ids: t.matmul(t.reduce_mean(t.gather(table, ids), axis=1), w), specs)
    out["movement_gather_embedding_f32"] = to_float(f, specs)
    out["movement_gather_embedding_int8"] = _int8_ids(f, specs, [], [[1, seq]], vocab)

    # a table from the caller, positions from the caller, batch_dims 1
    specs = [t.TensorSpec([2, 5, 3], t.float32), t.TensorSpec([2, 4], t.int32)]
    f = _fn(lambda x, i: t.gather(x * 2.0, i, axis=1, batch_dims=1), specs)
    out["movement_gather_batch_f32"] = to_float(f, specs)
    out["movement_gather_batch_int8"] = _int8_ids(f, specs, [[2, 5, 3]], [[2, 4]], 5)
    return out


# ---------------------------------------------------------------- models written directly


def _t(shape, dtype, data=None, scale=0.05, zp=0):
    d = dict(shape=list(shape), dtype=dtype)
    if dtype in ("int8", "int16"):
        d.update(scale=scale, zp=zp if dtype == "int8" else 0)
    if data is not None:
        d["data"] = np.asarray(data, NP.get(dtype, np.int32))
    return d


class _G:
    """A one-input (or more) graph grown one operator at a time; every operator's outputs are model outputs."""

    def __init__(self, *inputs):
        self.tensors = [dict(x) for x in inputs]
        self.inputs = list(range(len(inputs)))
        self.ops, self.outputs = [], []

    def add(self, tensor) -> int:
        self.tensors.append(dict(tensor))
        return len(self.tensors) - 1

    def op(self, name, inputs, outs, keep=True, **kw):
        ids = [self.add(o) for o in outs]
        self.ops.append(dict(op=name, inputs=list(inputs), outputs=ids, **kw))
        if keep:
            self.outputs += ids
        return ids

    def build(self) -> bytes:
        from tflite_build import build
        return build(self.tensors, self.ops, self.inputs, self.outputs)


def _transpose_sweep(dt, rng):
    shapes = {1: [5], 2: [3, 4], 3: [2, 3, 4], 4: [2, 3, 1, 5], 5: [2, 1, 3, 2, 2]}
    g = _G(*[_t(shapes[r], dt) for r in range(1, 6)])
    for r in range(1, 6):
        perms = list(itertools.permutations(range(r)))
        if r == 5:
            perms = [perms[i] for i in rng.choice(len(perms), 12, replace=False)] + [(4, 3, 2, 1, 0)]
        for p in perms:
            perm = g.add(_t([r], "int32", list(p)))
            g.op("TRANSPOSE", [r - 1, perm], [_t([shapes[r][k] for k in p], dt)])
    return g.build()


def _pack_sweep(dt):
    g = _G(_t([2, 3], dt), _t([2, 3], dt), _t([2, 3], dt))
    for n in (1, 2, 3):
        for axis in (-3, -2, -1, 0, 1, 2):
            a = axis + 3 if axis < 0 else axis
            shape = [2, 3][:a] + [n] + [2, 3][a:]
            g.op("PACK", list(range(n)), [_t(shape, dt)], options_type="PackOptions",
                 options=dict(values_count=n, axis=axis))
    return g.build()


def _unpack_sweep(dt):
    shapes = [[4], [3, 2], [2, 3, 4], [2, 2, 3, 2]]
    g = _G(*[_t(s, dt) for s in shapes])
    for i, s in enumerate(shapes):
        for axis in range(-len(s), len(s)):
            a = axis % len(s)
            rest = [d for k, d in enumerate(s) if k != a]
            g.op("UNPACK", [i], [_t(rest, dt) for _ in range(s[a])], options_type="UnpackOptions",
                 options=dict(num=s[a], axis=axis))
    return g.build()


def _split_sweep(dt):
    shapes = [[6], [4, 6], [2, 6, 3], [2, 2, 4, 6]]
    g = _G(*[_t(s, dt) for s in shapes])
    for i, s in enumerate(shapes):
        for axis in range(-len(s), len(s)):
            a = axis % len(s)
            for n in (1, 2, s[a]):
                if s[a] % n:
                    continue
                ax = g.add(_t([], "int32", [axis]))
                piece = [d if k != a else d // n for k, d in enumerate(s)]
                g.op("SPLIT", [ax, i], [_t(piece, dt) for _ in range(n)], options_type="SplitOptions",
                     options=dict(num_splits=n))
    return g.build()


def _split_v_sweep(dt):
    shapes = [[7], [3, 7], [2, 7, 3], [2, 3, 7, 1]]
    g = _G(*[_t(s, dt) for s in shapes])
    for i, s in enumerate(shapes):
        for axis in range(-len(s), len(s)):
            a = axis % len(s)
            d = s[a]
            sizes = [1, d - 1] if d > 1 else [1]
            if d >= 3:
                sizes = [d - 3, 2, 1] if d > 3 else [1, 1, 1]
            ax = g.add(_t([1], "int32", [axis]))
            sz = g.add(_t([len(sizes)], "int32", sizes))
            outs = [_t([x if k != a else n for k, x in enumerate(s)], dt) for n in sizes]
            g.op("SPLIT_V", [i, sz, ax], outs, options_type="SplitVOptions", options=dict(num_splits=len(sizes)))
    return g.build()


def _slice_sweep(dt, rng):
    shapes = [[7], [4, 5], [3, 4, 5], [2, 3, 4, 3], [2, 3, 2, 3, 4]]
    g = _G(*[_t(s, dt) for s in shapes])
    for i, s in enumerate(shapes):
        for k in range(6):
            begin = [int(rng.integers(0, d)) for d in s]
            size = [int(rng.integers(1, d - b + 1)) for d, b in zip(s, begin)]
            if k % 3 == 0:
                size[int(rng.integers(0, len(s)))] = -1
            if k == 5:
                begin, size = [0] * len(s), [-1] * len(s)  # the whole tensor
            real = [d - b if n == -1 else n for d, b, n in zip(s, begin, size)]
            it = "int64" if k % 2 else "int32"
            bt, st = g.add(_t([len(s)], it, begin)), g.add(_t([len(s)], it, size))
            g.op("SLICE", [i, bt, st], [_t(real, dt)])
    return g.build()


def _broadcast_sweep(dt):
    cases = [([1], [4]), ([3], [2, 3]), ([2, 1], [2, 3]), ([1, 3, 1], [2, 3, 4]), ([4, 1], [3, 2, 4, 5]),
             ([1, 1, 1], [2, 1, 2, 3, 2]), ([2, 1, 3, 1, 2], [2, 2, 3, 2, 2]), ([2, 3], [2, 3]),
             ([3, 1, 2], [1, 3, 4, 2])]
    g = _G(*[_t(c[0], dt) for c in cases])
    for i, (src, dst) in enumerate(cases):
        shape = g.add(_t([len(dst)], "int64" if i % 2 else "int32", dst))
        g.op("BROADCAST_TO", [i, shape], [_t(dst, dt)])
    return g.build()


def _expand_sweep(dt):
    g = _G(_t([3, 4], dt), _t([2, 3, 4], dt))
    for i, s in enumerate(([3, 4], [2, 3, 4])):
        for axis in range(-len(s) - 1, len(s) + 1):
            a = axis + len(s) + 1 if axis < 0 else axis
            ax = g.add(_t([1] if axis % 2 else [], "int32", [axis]))
            g.op("EXPAND_DIMS", [i, ax], [_t(s[:a] + [1] + s[a:], dt)])
    return g.build()


def _gather_sweep(dt, positions_input: bool):
    """Every axis (also negative) and batch_dims of a [2, 3, 4] table, positions from the caller or constant."""
    shape = [2, 3, 4]
    g = _G(_t(shape, dt))
    rng = np.random.default_rng(3)
    cases = [(axis, bd, ps) for axis in (-3, -2, -1, 0, 1, 2) for bd, ps in ((0, [5]), (0, [2, 3]), (0, []))]
    cases += [(1, 1, [2, 5]), (2, 1, [2, 3]), (-1, -1, [2, 2]), (2, 2, [2, 3, 2]), (2, 2, [2, 3]), (1, 1, [2])]
    for axis, bd, ps in cases:
        a = axis % 3
        b = bd + len(ps) if bd < 0 else bd
        if b > a:
            continue
        data = rng.integers(0, shape[a], ps).astype(np.int32)
        if positions_input:
            pos = g.add(_t(ps, "int32"))
            g.inputs.append(pos)
        else:
            pos = g.add(_t(ps, "int32", data))
        out = shape[:a] + list(ps[b:]) + shape[a + 1:]
        g.op("GATHER", [0, pos], [_t(out, dt)], options_type="GatherOptions", options=dict(axis=axis, batch_dims=bd))
    return g.build()


def _shape_models():
    out = {}
    # SHAPE as a model output (copied from a constant), and as an input of an ADD and of a RESHAPE
    # (TFLite Micro's BROADCAST_TO wants a constant shape: a SHAPE output is not one there)
    g = _G(_t([2, 3, 4], "float32"), _t([1, 4, 1, 2, 5], "int8"))
    g.op("SHAPE", [0], [_t([3], "int32")], options_type="ShapeOptions", options=dict(out_type=2))
    shp = g.op("SHAPE", [1], [_t([5], "int32")], keep=False, options_type="ShapeOptions", options=dict(out_type=2))
    ten = g.add(_t([5], "int32", [10, 20, 30, 40, 50]))
    g.op("ADD", [shp[0], ten], [_t([5], "int32")], options_type="AddOptions", options={})
    out["movement_shape_f32"] = g.build()
    g = _G(_t([2, 6], "int8"))
    shp = g.op("SHAPE", [0], [_t([2], "int32")], keep=False, options_type="ShapeOptions", options=dict(out_type=2))
    g.op("RESHAPE", [0, shp[0]], [_t([2, 6], "int8")])
    g.op("ADD", [shp[0], shp[0]], [_t([2], "int32")], options_type="AddOptions", options={})
    out["movement_shape_int8"] = g.build()
    return out


def _chain_models():
    """Views and copies between computing operators (the planner's part): ADD -> EXPAND_DIMS -> SPLIT -> ADD."""
    out = {}
    g = _G(_t([4, 6], "float32"))
    x = g.op("ADD", [0, 0], [_t([4, 6], "float32")], keep=False, options_type="AddOptions", options={})[0]
    ax = g.add(_t([1], "int32", [0]))
    e = g.op("EXPAND_DIMS", [x, ax], [_t([1, 4, 6], "float32")], keep=False)[0]
    ax1 = g.add(_t([], "int32", [1]))
    parts = g.op("SPLIT", [ax1, e], [_t([1, 2, 6], "float32"), _t([1, 2, 6], "float32")], keep=False,
                 options_type="SplitOptions", options=dict(num_splits=2))
    g.op("ADD", [parts[0], parts[1]], [_t([1, 2, 6], "float32")], options_type="AddOptions", options={})
    u = g.op("UNPACK", [e], [_t([4, 6], "float32")], keep=False, options_type="UnpackOptions",
             options=dict(num=1, axis=0))[0]
    perm = g.add(_t([2], "int32", [1, 0]))
    g.op("TRANSPOSE", [u, perm], [_t([6, 4], "float32")])
    out["movement_chain_f32"] = g.build()
    # constant inputs (copied, never aliased), a size-1 transpose (a view)
    g = _G(_t([1, 5], "int8"))
    table = g.add(_t([3, 5], "int8", np.arange(15).reshape(3, 5) - 7))
    bt, st = g.add(_t([2], "int32", [1, 0])), g.add(_t([2], "int32", [1, -1]))
    s = g.op("SLICE", [table, bt, st], [_t([1, 5], "int8")])[0]
    perm = g.add(_t([2], "int32", [1, 0]))
    g.op("TRANSPOSE", [0, perm], [_t([5, 1], "int8")])
    g.op("PACK", [s, 0], [_t([2, 1, 5], "int8")], options_type="PackOptions", options=dict(values_count=2, axis=0))
    out["movement_const_int8"] = g.build()
    return out


def _rank6_model(dt):
    """Rank 6, which TFLite Micro's PACK, UNPACK, SPLIT, SPLIT_V and GATHER take (TRANSPOSE, SLICE and
    BROADCAST_TO stop at 5)."""
    s = [2, 1, 2, 1, 3, 2]
    g = _G(_t(s, dt), _t([1, 2, 1, 3, 2], dt))
    ax = g.add(_t([], "int32", [4]))
    g.op("SPLIT", [ax, 0], [_t([2, 1, 2, 1, 1, 2], dt)] * 3, options_type="SplitOptions", options=dict(num_splits=3))
    ax = g.add(_t([1], "int32", [-2]))
    sz = g.add(_t([2], "int32", [2, 1]))
    g.op("SPLIT_V", [0, sz, ax], [_t([2, 1, 2, 1, 2, 2], dt), _t([2, 1, 2, 1, 1, 2], dt)],
         options_type="SplitVOptions", options=dict(num_splits=2))
    g.op("UNPACK", [0], [_t(s[1:], dt)] * 2, options_type="UnpackOptions", options=dict(num=2, axis=0))
    g.op("PACK", [1, 1], [_t([1, 2, 1, 3, 2, 2], dt)], options_type="PackOptions",
         options=dict(values_count=2, axis=-1))
    if dt in ("int8", "float32"):
        pos = g.add(_t([2], "int32", [1, 0]))
        g.op("GATHER", [0, pos], [_t([2, 1, 2, 1, 3, 2], dt)], options_type="GatherOptions",
             options=dict(axis=-1, batch_dims=0))
    return g.build()


def rejected_models() -> dict:
    """Forms TFLite Micro refuses (movement_bad_*): the generator must refuse them too. Built by the test
    itself (no TensorFlow needed), not stored in tests/models, where every model must convert."""
    out = {}
    g = _G(_t([1, 2, 1, 2, 1, 2], "float32"))
    perm = g.add(_t([6], "int32", [5, 4, 3, 2, 1, 0]))
    g.op("TRANSPOSE", [0, perm], [_t([2, 1, 2, 1, 2, 1], "float32")])
    out["movement_bad_transpose_6d"] = g.build()
    g = _G(_t([2, 3], "int32"))
    perm = g.add(_t([2], "int32", [1, 0]))
    g.op("TRANSPOSE", [0, perm], [_t([3, 2], "int32")])
    out["movement_bad_transpose_int32"] = g.build()
    g = _G(_t([4, 3], "int16"), _t([2], "int32"))
    g.op("GATHER", [0, 1], [_t([2, 3], "int16")], options_type="GatherOptions", options=dict(axis=0, batch_dims=0))
    out["movement_bad_gather_int16"] = g.build()
    g = _G(_t([4, 3], "float32"), _t([2], "int64"))
    g.op("GATHER", [0, 1], [_t([2, 3], "float32")], options_type="GatherOptions", options=dict(axis=0, batch_dims=0))
    out["movement_bad_gather_int64_positions"] = g.build()
    g = _G(_t([2, 3], "int32"))
    ax = g.add(_t([1], "int32", [0]))
    g.op("EXPAND_DIMS", [0, ax], [_t([1, 2, 3], "int32")])
    out["movement_bad_expand_dims_int32"] = g.build()
    g = _G(_t([2, 3], "float32"))
    g.op("SHAPE", [0], [_t([2], "int64")], options_type="ShapeOptions", options=dict(out_type=4))
    out["movement_bad_shape_int64"] = g.build()
    g = _G(_t([2, 3], "int64"))
    bt, st = g.add(_t([2], "int32", [0, 1])), g.add(_t([2], "int32", [2, 2]))
    g.op("SLICE", [0, bt, st], [_t([2, 2], "int64")])
    out["movement_bad_slice_int64"] = g.build()
    g = _G(_t([1, 2, 1, 2, 1, 2], "int8"))
    bt, st = g.add(_t([6], "int32", [0] * 6)), g.add(_t([6], "int32", [1, 1, 1, 1, 1, 1]))
    g.op("SLICE", [0, bt, st], [_t([1, 1, 1, 1, 1, 1], "int8")])
    out["movement_bad_slice_6d"] = g.build()
    g = _G(_t([2, 3], "int64"))
    g.op("UNPACK", [0], [_t([3], "int64"), _t([3], "int64")], options_type="UnpackOptions",
         options=dict(num=2, axis=0))
    out["movement_bad_unpack_int64"] = g.build()
    g = _G(_t([1, 3], "float32"))
    shape = g.add(_t([6], "int32", [1, 1, 1, 1, 2, 3]))
    g.op("BROADCAST_TO", [0, shape], [_t([1, 1, 1, 1, 2, 3], "float32")])
    out["movement_bad_broadcast_6d"] = g.build()
    g = _G(_t([4, 3], "float32"))
    pos = g.add(_t([2], "int32", [1, 4]))
    g.op("GATHER", [0, pos], [_t([2, 3], "float32")], options_type="GatherOptions", options=dict(axis=0, batch_dims=0))
    out["movement_bad_gather_const_range"] = g.build()
    return out


def built_models() -> dict:
    rng = np.random.default_rng(11)
    out = {}
    for dt in ("int8", "int16", "float32"):
        out[f"movement_transpose_sweep_{SHORT[dt]}"] = _transpose_sweep(dt, rng)
        out[f"movement_expand_sweep_{SHORT[dt]}"] = _expand_sweep(dt)
    for dt in ("int8", "int16", "int32", "float32", "int64"):
        out[f"movement_pack_sweep_{SHORT[dt]}"] = _pack_sweep(dt)
        out[f"movement_broadcast_sweep_{SHORT[dt]}"] = _broadcast_sweep(dt)
    for dt in ("int8", "int16", "int32", "float32"):
        out[f"movement_unpack_sweep_{SHORT[dt]}"] = _unpack_sweep(dt)
        out[f"movement_split_sweep_{SHORT[dt]}"] = _split_sweep(dt)
        out[f"movement_split_v_sweep_{SHORT[dt]}"] = _split_v_sweep(dt)
        out[f"movement_slice_sweep_{SHORT[dt]}"] = _slice_sweep(dt, rng)
    for dt in ("int8", "float32"):
        out[f"movement_gather_sweep_{SHORT[dt]}"] = _gather_sweep(dt, True)
        out[f"movement_gather_const_{SHORT[dt]}"] = _gather_sweep(dt, False)
    for dt in ("int8", "int16", "float32"):
        out[f"movement_rank6_{SHORT[dt]}"] = _rank6_model(dt)
    out.update(_shape_models())
    out.update(_chain_models())
    return out


def models() -> dict:
    out = tf_models()
    out.update(built_models())
    return out
