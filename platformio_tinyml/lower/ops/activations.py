"""SOFTMAX, LOGISTIC, TANH, RELU, RELU6: float32, int8 and int16 as TFLite Micro runs them.

Everything TFLM's Prepare() computes (softmax input multiplier and diff_min, logistic/tanh
input multiplier and range radius, the int16 softmax lookup tables, RELU requantization)
is computed here; the int16 sigmoid table is passed to the kernels as a constant array.
"""
from __future__ import annotations

import functools
import math

import numpy as np

from ...quantize.quant import INT_RANGES, quantize_value_f32, round_away
from .common import quantize_multiplier
from ..registry import register
from .common import flat_size, require_quantized

# TFLite's sigmoid_table_uint16: sigmoid(i/24) in Q0.16 (shared by int16 LOGISTIC and TANH).
SIGMOID_TABLE_U16 = [
    32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149, 40794, 41432, 42064,
    42688, 43304, 43912, 44511, 45102, 45683, 46255, 46817, 47369, 47911, 48443, 48964, 49475, 49975, 50464,
    50942, 51409, 51865, 52311, 52745, 53169, 53581, 53983, 54374, 54755, 55125, 55485, 55834, 56174, 56503,
    56823, 57133, 57433, 57724, 58007, 58280, 58544, 58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370,
    60565, 60753, 60935, 61110, 61279, 61441, 61599, 61750, 61896, 62036, 62172, 62302, 62428, 62549, 62666,
    62778, 62886, 62990, 63090, 63186, 63279, 63368, 63454, 63536, 63615, 63691, 63765, 63835, 63903, 63968,
    64030, 64090, 64148, 64204, 64257, 64308, 64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652, 64687,
    64721, 64754, 64786, 64816, 64845, 64873, 64900, 64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079,
    65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208, 65221, 65234, 65246, 65258, 65269, 65280, 65291,
    65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360, 65367, 65374, 65381, 65387, 65393, 65399, 65404,
    65410, 65415, 65420, 65425, 65429, 65433, 65438, 65442, 65445, 65449, 65453, 65456, 65459, 65462, 65465,
    65468, 65471, 65474, 65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491, 65493, 65495, 65497, 65498,
    65500, 65501, 65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513, 65514, 65515, 65516,
    65517, 65517, 65518, 65519, 65520, 65520, 65521, 65522, 65522, 65523, 65523, 65524, 65524, 65525, 65525,
    65526, 65526, 65526, 65527, 65527, 65528, 65528, 65528, 65529, 65529, 65529, 65529, 65530, 65530, 65530,
    65530, 65531, 65531, 65531, 65531, 65531, 65532, 65532, 65532, 65532, 65532, 65532, 65533, 65533, 65533,
    65533, 65533, 65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534,
    65535,
]
assert len(SIGMOID_TABLE_U16) == 256


# ---------------------------------------------------------------- Prepare() arithmetic


quantize_multiplier_unclamped = quantize_multiplier  # TFLM default build: no clamp of shift > 30


def calculate_input_radius(integer_bits: int, left_shift: int, total_signed_bits: int = 31) -> int:
    """CalculateInputRadius (double arithmetic, floor).

    >>> calculate_input_radius(5, 24), calculate_input_radius(4, 23)
    (124, 240)
    """
    v = 1.0 * ((1 << integer_bits) - 1) * float(1 << (total_signed_bits - integer_bits)) / math.ldexp(1.0, left_shift)
    return int(math.floor(v))


def softmax_s8_params(input_scale: float, beta: float) -> tuple:
    """(input_multiplier, input_left_shift, diff_min) of PreprocessSoftmaxScaling, 5 integer bits.

    Returns None when TFLM would refuse the model (multiplier not greater than one).
    """
    real = min(float(beta) * float(input_scale) * float(1 << 26), float((1 << 31) - 1))
    if not real > 1.0:
        return None
    mult, shift = quantize_multiplier_unclamped(real)
    if shift < 0:
        return None
    diff_min = -calculate_input_radius(5, shift, 31)
    return mult, shift, diff_min


def sigmoid_s8_params(input_scale: float) -> tuple:
    """(input_multiplier, input_left_shift, input_range_radius) of LOGISTIC/TANH int8 Prepare."""
    real = float(input_scale) * float(1 << 27)
    q, shift = math.frexp(real)
    mult = round_away(q * float(1 << 31))
    if mult >= 1 << 31:      # static_cast<int32_t> of 2^31 on two's-complement hosts
        mult -= 1 << 32
    return mult, shift, calculate_input_radius(4, shift, 31)


def checked_log2(x: float) -> tuple:
    """CheckedLog2 in float32: (is a power of two, rounded log2)."""
    f = np.float32
    x_log2 = f(f(math.log(float(f(x)))) * f(f(1.0) / f(math.log(2.0))))
    rounded = f(round_away(float(x_log2)))
    frac = f(x_log2 - rounded)
    return bool(abs(float(frac)) < float(f(1e-3))), int(rounded)


def sigmoid_s16_params(input_scale: float, pot_shifts: tuple) -> tuple:
    """(input_multiplier, input_left_shift) of LOGISTIC/TANH int16 Prepare, with the kernel's
    power-of-two substitution (multiplier 0 -> 3 << shift) already applied."""
    pot, log2 = checked_log2(input_scale)
    left_shift = (15 - 3) + log2
    pot = pot and left_shift in pot_shifts
    if pot:
        return 3 << left_shift, 0
    multiplier = float(input_scale) * 4096.0 * 3.0
    left_shift = 0
    while multiplier <= 32767.0 / 2.0 and left_shift <= 30:
        left_shift += 1
        multiplier *= 2.0
    return int(multiplier), left_shift


def _expf(x: np.float32) -> np.float32:
    return np.float32(math.exp(float(x)))


def _roundf(x) -> np.float32:
    return np.float32(round_away(float(x)))


def gen_lut_s16(func, input_min: float, input_max: float, output_min: float, output_max: float) -> np.ndarray:
    """TFLM's gen_lut<float, int16_t, int16_t>: 512 interpolation steps + 1, all in float32."""
    f = np.float32
    nb_steps = 512
    input_min, input_max = f(input_min), f(input_max)
    step = f(f(input_max - input_min) / f(nb_steps))
    half_step = f(step / f(2))
    scale_inv = f(f(65536.0) / f(f(output_max) - f(output_min)))
    lut = np.zeros(nb_steps + 1, np.int64)
    for i in range(nb_steps):
        x = f(input_min + f(f(i) * step))
        val = func(x)
        val_mid = func(f(x + half_step))
        val_next = func(f(input_min + f(f(i + 1) * step)))
        sample = _roundf(f(val * scale_inv))
        interp = _roundf(f(f(f(val_next * scale_inv) + _roundf(f(val * scale_inv))) / f(2)))
        mid = _roundf(f(val_mid * scale_inv))
        bias = _roundf(f(f(interp - mid) / f(2)))
        lut[i] = int(min(max(float(f(sample - bias)), -32768.0), 32767.0))
    lut[nb_steps] = int(min(max(float(_roundf(f(func(input_max) * scale_inv))), -32768.0), 32767.0))
    return lut


@functools.lru_cache(maxsize=1)
def softmax_s16_luts() -> tuple:
    """(exp LUT on [-10, 0], 1/(1+x) LUT on [0, 1]) as TFLM's SoftmaxPrepare builds them."""
    f = np.float32
    exp_lut = gen_lut_s16(_expf, -10.0, 0.0, -1.0, 1.0)
    inv_lut = gen_lut_s16(lambda v: f(f(1.0) / f(f(1.0) + v)), 0.0, 1.0, -1.0, 1.0)
    return exp_lut, inv_lut


# ---------------------------------------------------------------- lowerings


def _io(op, ctx):
    if len(op.inputs) < 1 or len(op.outputs) != 1:
        ctx.fail("expects one input and one output")
    inp, out = ctx.t(op.inputs[0]), ctx.t(op.outputs[0])
    require_quantized(ctx, inp, out)
    return inp, out


def _approx(a: float, b: float, tol: float) -> bool:
    return abs(float(a) - float(b)) <= tol


@register("SOFTMAX")
def lower_softmax(op, ctx):
    inp, out = _io(op, ctx)
    if len(inp.shape) < 1:
        ctx.fail("input must have at least one dimension")
    depth = int(inp.shape[-1])
    outer = flat_size(inp.shape) // depth if depth else 0
    beta = float(np.float32(op.options.get("beta", 0.0)))
    kind = ctx.dtypes_of(inp, out)
    if kind == "float32/float32":
        ctx.allow_inplace(out.index, inp.index)
        ctx.emit("tml_softmax_f32", ctx.tensor(inp.index), ctx.tensor(out.index),
                 params_type="tml_softmax_f32_params", params=dict(outer=outer, depth=depth, beta=beta))
        return
    if kind in ("int8/int8", "int8/int16"):
        if out.dtype == "int8" and (out.q_zero_point != -128 or np.float32(out.q_scale) != np.float32(1.0 / 256)):
            ctx.fail(f"int8 SOFTMAX output must have scale 1/256 and zero point -128 "
                     f"(got {out.q_scale}, {out.q_zero_point})")
        if out.dtype == "int16" and (out.q_zero_point != -32768 or
                                     not _approx(out.q_scale, 1.0 / 65536, 0.001 / 65536)):
            ctx.fail(f"int8->int16 SOFTMAX output must have scale 1/65536 and zero point -32768 "
                     f"(got {out.q_scale}, {out.q_zero_point})")
        prm = softmax_s8_params(inp.q_scale, beta)
        if prm is None:
            ctx.fail(f"beta {beta} x input scale {inp.q_scale} is too small for the int8 softmax")
        mult, shift, diff_min = prm
        fn = "tml_softmax_s8" if out.dtype == "int8" else "tml_softmax_s8_s16"
        if out.dtype == "int8":
            ctx.allow_inplace(out.index, inp.index)
        ctx.emit(fn, ctx.tensor(inp.index), ctx.tensor(out.index), params_type="tml_softmax_s8_params",
                 params=dict(outer=outer, depth=depth, input_multiplier=mult, input_left_shift=shift,
                             diff_min=diff_min))
        return
    if kind == "int16/int16":
        if out.q_zero_point != 0 or not _approx(out.q_scale, 1.0 / 32768, 0.001 / 32768):
            ctx.fail(f"int16 SOFTMAX output must have scale 1/32768 and zero point 0 "
                     f"(got {out.q_scale}, {out.q_zero_point})")
        real = float(np.float32(inp.q_scale)) * beta / (10.0 / 65535.0)
        mult, shift = quantize_multiplier_unclamped(real)
        exp_lut, inv_lut = softmax_s16_luts()
        ctx.allow_inplace(out.index, inp.index)
        ctx.emit("tml_softmax_s16", ctx.tensor(inp.index), ctx.tensor(out.index),
                 params_type="tml_softmax_s16_params",
                 params=dict(outer=outer, depth=depth, input_multiplier=mult, input_left_shift=shift,
                             exp_lut=ctx.array("int16_t", exp_lut, "softmax_exp_lut"),
                             one_over_one_plus_x_lut=ctx.array("int16_t", inv_lut, "softmax_recip_lut")))
        return
    ctx.fail(f"input/output dtypes {kind} are not supported "
             "(float32/float32, int8/int8, int8/int16 and int16/int16 are)")


def _lower_sigmoid_like(op, ctx, name: str):
    inp, out = _io(op, ctx)
    size = flat_size(inp.shape)
    kind = ctx.dtypes_of(inp, out)
    ctx.allow_inplace(out.index, inp.index)
    if kind == "float32/float32":
        ctx.emit(f"tml_{name}_f32", ctx.tensor(inp.index), ctx.tensor(out.index),
                 params_type="tml_activation_f32_params", params=dict(size=size))
        return
    if kind == "int8/int8":
        if name == "logistic" and out.q_zero_point != -128:
            ctx.fail(f"int8 LOGISTIC output zero point must be -128 (got {out.q_zero_point})")
        mult, shift, radius = sigmoid_s8_params(inp.q_scale)
        if shift < 1 or radius >= 2**31:
            ctx.fail(f"input scale {inp.q_scale} is too small for the int8 {name.upper()} kernel")
        ctx.emit(f"tml_{name}_s8", ctx.tensor(inp.index), ctx.tensor(out.index),
                 params_type="tml_sigmoid_s8_params",
                 params=dict(size=size, input_zero_point=inp.q_zero_point, input_range_radius=radius,
                             input_multiplier=mult, input_left_shift=shift))
        return
    if kind == "int16/int16":
        if inp.q_zero_point != 0 or out.q_zero_point != 0:
            ctx.fail(f"int16 {name.upper()} needs zero points 0 (got input {inp.q_zero_point}, "
                     f"output {out.q_zero_point})")
        pot, log2 = checked_log2(out.q_scale)
        if not pot or log2 != -15:
            ctx.fail(f"int16 {name.upper()} output scale must be 1/32768 (got {out.q_scale})")
        mult, shift = sigmoid_s16_params(inp.q_scale, (0,) if name == "logistic" else (0, 1))
        ctx.emit(f"tml_{name}_s16", ctx.tensor(inp.index), ctx.tensor(out.index),
                 params_type="tml_sigmoid_s16_params",
                 params=dict(size=size, input_multiplier=mult, input_left_shift=shift,
                             sigmoid_table=ctx.array("uint16_t", np.array(SIGMOID_TABLE_U16, np.int64),
                                                     "sigmoid_table")))
        return
    ctx.fail(f"input/output dtypes {kind} are not supported (float32, int8 and int16 are)")


@register("LOGISTIC")
def lower_logistic(op, ctx):
    _lower_sigmoid_like(op, ctx, "logistic")


@register("TANH")
def lower_tanh(op, ctx):
    _lower_sigmoid_like(op, ctx, "tanh")


def _lower_relu(op, ctx, six: bool):
    inp, out = _io(op, ctx)
    size = flat_size(inp.shape)
    kind = ctx.dtypes_of(inp, out)
    name = "relu6" if six else "relu"
    ctx.allow_inplace(out.index, inp.index)
    if kind == "float32/float32":
        ctx.emit(f"tml_{name}_f32", ctx.tensor(inp.index), ctx.tensor(out.index),
                 params_type="tml_activation_f32_params", params=dict(size=size))
        return
    if kind in ("int8/int8", "int16/int16"):
        sfx = "s8" if inp.dtype == "int8" else "s16"
        qmin, qmax = INT_RANGES[inp.dtype]
        if inp.dtype == "int16" and (inp.q_zero_point != 0 or out.q_zero_point != 0):
            ctx.fail(f"int16 {name.upper()} needs zero points 0")
        if six:
            # TFLM clamps in the input's quantization and does not requantize
            lower = inp.q_zero_point
            upper = min(qmax, max(qmin, quantize_value_f32(inp.q_scale, inp.q_zero_point, 6.0)))
            ctx.emit(f"tml_relu6_{sfx}", ctx.tensor(inp.index), ctx.tensor(out.index),
                     params_type="tml_relu6_q_params", params=dict(size=size, lower=lower, upper=upper))
            return
        real = float(np.float64(np.float32(inp.q_scale)) / np.float64(np.float32(out.q_scale)))
        mult, shift = quantize_multiplier(real)
        act_min = max(qmin, out.q_zero_point)   # zero point + round(0 / scale)
        ctx.emit(f"tml_relu_{sfx}", ctx.tensor(inp.index), ctx.tensor(out.index),
                 params_type="tml_relu_q_params",
                 params=dict(size=size, input_offset=inp.q_zero_point, output_offset=out.q_zero_point,
                             output_multiplier=mult, output_shift=shift, act_min=act_min, act_max=qmax))
        return
    ctx.fail(f"input/output dtypes {kind} are not supported (float32, int8 and int16 are)")


@register("RELU")
def lower_relu(op, ctx):
    _lower_relu(op, ctx, six=False)


@register("RELU6")
def lower_relu6(op, ctx):
    _lower_relu(op, ctx, six=True)
