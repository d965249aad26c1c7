"""The operator models of tests/quant/ (float graphs built with TensorFlow; needs tensorflow).

Imported only by tests/make_quant_models.py. Each builder takes a seeded numpy Generator (the
weights) and returns a tf.function of one NHWC float input (shapes in quant_data.OP_MODELS). The
weights are random (He-scaled, small biases), not trained: what is compared is how closely each
quantizer reproduces the float model's outputs, whatever they mean. TensorFlow's converter turns
the patterns below into the operators named in OP_MODELS (make_quant_models.py checks the
operator lists it writes).
"""
from __future__ import annotations

import numpy as np

from quant_data import OP_MODELS


def tf():
    import os
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow
    return tensorflow


class Weights:
    """Seeded random weights, created once when the graph is traced."""

    def __init__(self, seed: int):
        self.rng = np.random.default_rng(seed)

    def conv(self, x, cin, cout, k=1, stride=1, act=None):
        t = tf()
        w = self.rng.normal(0, np.sqrt(2.0 / (k * k * cin)), (k, k, cin, cout)).astype(np.float32)
        b = self.rng.normal(0, 0.1, cout).astype(np.float32)
        y = t.nn.conv2d(x, w, stride, "SAME") + b
        return {"relu": t.nn.relu, "relu6": t.nn.relu6, None: lambda v: v}[act](y)

    def depthwise(self, x, c, k=3):
        t = tf()
        w = self.rng.normal(0, np.sqrt(2.0 / (k * k)), (k, k, c, 1)).astype(np.float32)
        b = self.rng.normal(0, 0.1, c).astype(np.float32)
        return t.nn.depthwise_conv2d(x, w, [1, 1, 1, 1], "SAME") + b

    def tconv(self, x, cin, cout, out_hw, k=3, stride=2):
        t = tf()
        w = self.rng.normal(0, np.sqrt(2.0 / (k * k * cin)), (k, k, cout, cin)).astype(np.float32)
        b = self.rng.normal(0, 0.1, cout).astype(np.float32)
        shape = [1, out_hw[0], out_hw[1], cout]
        return t.nn.conv2d_transpose(x, w, shape, stride, padding="SAME") + b

    def dense(self, x, cin, cout):
        w = self.rng.normal(0, np.sqrt(1.0 / cin), (cin, cout)).astype(np.float32)
        return tf().matmul(x, w) + self.rng.normal(0, 0.1, cout).astype(np.float32)

    def const(self, shape, lo, hi):
        return self.rng.uniform(lo, hi, shape).astype(np.float32)


def hard_swish(x):
    return x * tf().nn.relu6(x + 3.0) * (1.0 / 6.0)


def binary_net(w: Weights, x):
    t = tf()
    a, b = w.conv(x, 4, 6), w.conv(x, 4, 6, 3)
    s = a - b                                              # SUB
    m = t.maximum(s, b)                                    # MAXIMUM
    sq = t.math.squared_difference(a, b)                   # SQUARED_DIFFERENCE
    mn = t.minimum(sq, 1.5)                                # MINIMUM with a constant
    return w.conv(t.concat([m - w.const((6,), -0.5, 0.5), mn], -1), 12, 4)   # SUB of a constant


def div_net(w: Weights, x):
    a, b = w.conv(x, 4, 6), w.conv(x, 4, 6, 3)
    return w.conv(a / (tf().abs(b) + 1.0), 6, 4)           # ABS ADD DIV


def unary_net(w: Weights, x):
    t = tf()
    a = w.conv(x, 4, 6)
    r = t.math.rsqrt(t.abs(a) + 0.5)                       # ABS ADD RSQRT
    e = t.exp(a * 0.5)                                     # EXP
    lg = t.math.log(t.abs(a) + 1.0)                        # LOG
    return w.conv(t.concat([r, e, lg], -1), 18, 4)


def norm_net(w: Weights, x):
    t = tf()
    a = w.conv(x, 8, 8)
    n = t.math.l2_normalize(a, -1)                         # L2_NORMALIZATION
    s = -t.sqrt(t.abs(a))                                  # SQRT NEG
    return w.conv(t.concat([n, s], -1), 16, 4)


def movement_net(w: Weights, x):
    t = tf()
    a = w.conv(x, 4, 8)                                    # [1,6,8,8]
    tr = t.transpose(a, [0, 2, 1, 3])                      # TRANSPOSE [1,8,6,8]
    sl = t.slice(tr, [0, 1, 0, 0], [1, 6, 6, 8])           # SLICE [1,6,6,8]
    p, q = t.split(sl, 2, axis=3)                          # SPLIT
    u, v, r = t.split(sl, [2, 2, 4], axis=3)               # SPLIT_V
    un = t.unstack(t.stack([p, q], axis=1), axis=1)        # PACK UNPACK
    bc = t.broadcast_to(u[:, 2:3], [1, 6, 6, 2])           # BROADCAST_TO
    return w.conv(t.concat([un[0] + un[1], bc, v, r], -1), 12, 4)


def gather_net(w: Weights, x):
    a = w.conv(x, 8, 8, act="relu")
    return w.conv(tf().gather(a, [3, 0, 5, 1, 7], axis=3), 5, 4)    # GATHER


def argmax_net(w: Weights, x):
    return tf().argmax(w.conv(x, 8, 5, 3), axis=3, output_type=tf().int32)   # ARG_MAX (int32)


def leaky_net(w: Weights, x):
    t = tf()
    a = t.nn.leaky_relu(w.conv(x, 3, 8, 3), 0.1)           # LEAKY_RELU
    b = t.nn.leaky_relu(w.conv(a, 8, 8, 3), 0.25)
    return w.conv(b, 8, 4)


def act_net(w: Weights, x):
    t = tf()
    a = hard_swish(w.conv(x, 3, 8, 3))                     # HARD_SWISH
    b = w.conv(a, 8, 8, 3)
    alpha = w.const((1, 1, 8), 0.05, 0.3)
    b = t.nn.relu(b) + t.nn.relu(-b) * (-alpha)            # PRELU (Keras' pattern)
    c = t.nn.elu(w.conv(b, 8, 8))                          # ELU
    d = w.dense(t.reduce_mean(c, [1, 2]), 8, 5)
    return t.nn.log_softmax(d)                             # LOG_SOFTMAX


def resize_net(w: Weights, x):
    t = tf()
    a = w.conv(x, 3, 6)
    r1 = t.image.resize(a, [12, 12], method="nearest")     # RESIZE_NEAREST_NEIGHBOR (half-pixel centres)
    r2 = t.compat.v1.image.resize_nearest_neighbor(a, [12, 12], align_corners=True)
    b = w.conv(r1 + r2, 6, 6, 3)
    return t.reshape(t.reduce_sum(b, [1, 2], keepdims=True), [1, 6])   # SUM


def spatial_net(w: Weights, x):
    t = tf()
    s = t.nn.space_to_depth(x, 2)                          # SPACE_TO_DEPTH [1,4,4,16]
    d = t.nn.depth_to_space(w.conv(s, 16, 16), 2)          # DEPTH_TO_SPACE [1,8,8,4]
    r = t.image.resize(d, [12, 12], method="bilinear")     # RESIZE_BILINEAR
    m = t.reduce_max(r, [1, 2])                            # REDUCE_MAX [1,4]
    return t.concat([t.reshape(w.conv(r, 4, 1), [1, 144]), m], 1)


def tconv_net(w: Weights, x):
    t = tf()
    a = w.conv(x, 3, 8, 3, stride=2, act="relu")           # [1,4,4,8]
    up = t.nn.relu(w.tconv(a, 8, 6, (8, 8)))               # TRANSPOSE_CONV [1,8,8,6]
    rhs = t.broadcast_to(w.const((6, 4), -0.6, 0.6), [1, 6, 4])
    return t.matmul(t.reshape(up, [1, 64, 6]), rhs)        # BATCH_MATMUL, constant rhs


def bmm_net(w: Weights, x):
    t = tf()
    q = t.reshape(w.conv(x, 4, 8), [6, 8, 8])
    k = t.reshape(w.conv(x, 4, 8, 3), [6, 8, 8])
    return t.reshape(t.matmul(q, k, transpose_b=True), [1, 384])   # BATCH_MATMUL (adj_y)


def mbv3_net(w: Weights, x):
    """A MobileNetV3-like bottleneck (expand, depthwise, squeeze-and-excite, project, residual) with
    HARD_SWISH, then a small segmentation decoder: a TRANSPOSE_CONV upsampling beside a bilinear resize
    of the same features, combined by SUB and MAXIMUM."""
    t = tf()
    c0 = hard_swish(w.conv(x, 3, 8, 3, stride=2))          # [1,8,8,8]
    e = hard_swish(w.conv(c0, 8, 16))
    dw = hard_swish(w.depthwise(e, 16))
    se = w.conv(t.reduce_mean(dw, [1, 2], keepdims=True), 16, 4, act="relu")
    se = t.nn.relu6(w.conv(se, 4, 16) + 3.0) * (1.0 / 6.0)  # hard sigmoid
    res = c0 + w.conv(dw * se, 16, 8)                      # [1,8,8,8]
    up = t.nn.relu(w.tconv(res, 8, 4, (16, 16)))           # [1,16,16,4]
    skip = w.conv(t.image.resize(res, [16, 16], method="bilinear"), 8, 4)
    return w.conv(t.concat([up - skip, t.maximum(up, skip)], -1), 8, 2)


BUILDERS = {name: globals()[name] for name in OP_MODELS}


def concrete(name: str, seed: int):
    """(tf.function, its concrete function) of operator model ``name`` with seeded weights."""
    t = tf()
    weights = Weights(seed)
    shape = OP_MODELS[name][0]

    @t.function(input_signature=[t.TensorSpec(shape, t.float32)])
    def model(x):
        return BUILDERS[name](weights, x)
    return model, model.get_concrete_function()
