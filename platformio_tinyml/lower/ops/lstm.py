"""UNIDIRECTIONAL_SEQUENCE_LSTM: float32, and int8 with an int16 cell state (TFLM's integer LSTM).

TFLM's current kernel (unidirectional_sequence_lstm.cc, lstm_eval*.cc) runs the standard
Keras cell only: all eight weight tensors and four biases present, no peephole (inputs
9-11), no projection (16-17), no layer normalisation (20-23). The cell gate activation is
TANH. The op's intermediate tensors are ignored by that kernel: every gate pre-activation
is int16 at the fixed scale 2^-12 and every gate output int16 at 2^-15.

Inputs: 0 input, 1-4 input_to_{input,forget,cell,output}_weights, 5-8 recurrent_to_*,
12-15 {input,forget,cell,output}_gate_bias, 18 output_state (h), 19 cell_state (c); both
states are variable tensors that stay in the arena, reset the way TFLM resets them (int8
to the zero point, everything else to 0).
"""
from __future__ import annotations

import math

import numpy as np

from ...quantize.quant import ACTIVATIONS, round_away
from .common import quantize_multiplier
from ..registry import register
from .common import folded_bias, require_quantized

GATES = ("input", "forget", "cell", "output")

#: TFLM's sigmoid_table_uint16: sigmoid(k / 24) in Q0.16 (interpolated by its int16 sigmoid/tanh).
SIGMOID_TABLE_U16 = [
    32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149, 40794, 41432, 42064, 42688,
    43304, 43912, 44511, 45102, 45683, 46255, 46817, 47369, 47911, 48443, 48964, 49475, 49975, 50464, 50942, 51409,
    51865, 52311, 52745, 53169, 53581, 53983, 54374, 54755, 55125, 55485, 55834, 56174, 56503, 56823, 57133, 57433,
    57724, 58007, 58280, 58544, 58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370, 60565, 60753, 60935, 61110,
    61279, 61441, 61599, 61750, 61896, 62036, 62172, 62302, 62428, 62549, 62666, 62778, 62886, 62990, 63090, 63186,
    63279, 63368, 63454, 63536, 63615, 63691, 63765, 63835, 63903, 63968, 64030, 64090, 64148, 64204, 64257, 64308,
    64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652, 64687, 64721, 64754, 64786, 64816, 64845, 64873, 64900,
    64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079, 65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208,
    65221, 65234, 65246, 65258, 65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360, 65367,
    65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425, 65429, 65433, 65438, 65442, 65445, 65449,
    65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474, 65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491,
    65493, 65495, 65497, 65498, 65500, 65501, 65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513,
    65514, 65515, 65516, 65517, 65517, 65518, 65519, 65520, 65520, 65521, 65522, 65522, 65523, 65523, 65524, 65524,
    65525, 65525, 65526, 65526, 65526, 65527, 65527, 65528, 65528, 65528, 65529, 65529, 65529, 65529, 65530, 65530,
    65530, 65530, 65531, 65531, 65531, 65531, 65531, 65532, 65532, 65532, 65532, 65532, 65532, 65533, 65533, 65533,
    65533, 65533, 65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65535,
]

GATE_INPUT_SCALE = 2.0 ** -12    # Q3.12: FC outputs, inputs of sigmoid/tanh
GATE_OUTPUT_SCALE = 2.0 ** -15   # Q0.15: outputs of sigmoid/tanh


def fc_multiplier(in_scale: float, w_scale: float, out_scale: float) -> tuple:
    """TFLM's GetQuantizedConvolutionMultipler: (in * w) in float32, widened, / out in double."""
    prod = float(np.float32(np.float32(in_scale) * np.float32(w_scale)))
    return quantize_multiplier(prod / float(np.float32(out_scale)))


def mul_multiplier(s1: float, s2: float, out_scale: float) -> tuple:
    """CreateInterGateMulParams: s1 * s2 / out, all in double from the float32 scales."""
    return quantize_multiplier(float(np.float32(s1)) * float(np.float32(s2)) / float(np.float32(out_scale)))


def checked_log2(x: float) -> int:
    """TFLM's CheckedLog2: round(log(x) * (1 / log(2))) in float32 (the check itself is ignored)."""
    v = np.float32(np.float32(math.log(np.float32(x))) * np.float32(1.0 / np.float32(math.log(2.0))))
    return round_away(float(v))


def tanh_prescale(cell_scale_power: int) -> tuple:
    """(multiplier, right shift) TFLM's int16 Tanh applies to the cell state before its lookup."""
    left = 15 + cell_scale_power - 3
    if left < 0:
        return 3, -left
    return 3 << left, 0


@register("UNIDIRECTIONAL_SEQUENCE_LSTM")
def lower_lstm(op, ctx):
    ins = list(op.inputs) + [-1] * (24 - len(op.inputs))
    if len(op.inputs) != 24:
        ctx.fail(f"UNIDIRECTIONAL_SEQUENCE_LSTM needs 24 inputs, got {len(op.inputs)}")
    t = [ctx.t(i) for i in ins]
    inp, out = t[0], ctx.t(op.outputs[0])
    h, c = t[18], t[19]
    if any(t[k] is None for k in range(1, 9)) or any(t[k] is None for k in range(12, 16)):
        ctx.fail("only the standard LSTM cell is supported: all 8 weight tensors and 4 gate biases are needed "
                 "(CIFG LSTMs, without input gate, are not supported)")
    if any(t[k] is not None for k in (9, 10, 11)):
        ctx.fail("peephole LSTMs are not supported (TFLM's LSTM kernel has none either)")
    if any(t[k] is not None for k in (16, 17)):
        ctx.fail("LSTMs with a projection layer are not supported (TFLM's LSTM kernel has none either)")
    if any(t[k] is not None for k in (20, 21, 22, 23)):
        ctx.fail("layer-normalised LSTMs are not supported (TFLM's LSTM kernel has none either)")
    if h is None or c is None or not h.is_variable or not c.is_variable:
        ctx.fail("output_state (input 18) and cell_state (input 19) must be variable tensors")
    if any(not t[k].is_const for k in list(range(1, 9)) + list(range(12, 16))):
        ctx.fail("LSTM weights and biases must be constant")
    act = ACTIVATIONS.get(op.options.get("fused_activation_function", 0), "NONE")
    if act != "TANH":
        ctx.fail(f"cell activation {act} is not supported (TANH is, as in TFLM)")
    if len(inp.shape) != 3 or len(out.shape) != 3:
        ctx.fail(f"input and output must be 3-D, got {list(inp.shape)} and {list(out.shape)}")
    time_major = bool(op.options.get("time_major", False))
    if time_major:
        time_steps, batch, input_size = inp.shape
    else:
        batch, time_steps, input_size = inp.shape
    state_size = int(t[5].shape[-1])
    for k in range(1, 5):
        if tuple(t[k].shape) != (state_size, input_size):
            ctx.fail(f"input weights {k} have shape {list(t[k].shape)}, expected [{state_size}, {input_size}]")
    for k in range(5, 9):
        if tuple(t[k].shape) != (state_size, state_size):
            ctx.fail(f"recurrent weights {k} have shape {list(t[k].shape)}, expected [{state_size}, {state_size}]")
    for k in range(12, 16):
        if t[k].size != state_size:
            ctx.fail(f"gate bias {k} has {t[k].size} values, expected {state_size}")
    if h.size != batch * state_size or c.size != batch * state_size:
        ctx.fail(f"state tensors must hold {batch}x{state_size} values")
    if tuple(out.shape[:2]) != tuple(inp.shape[:2]) or out.shape[2] != state_size:
        ctx.fail(f"output shape {list(out.shape)} does not match input {list(inp.shape)} and {state_size} cells")

    ctx.macs += batch * time_steps * 4 * state_size * (input_size + state_size)
    rows = batch if time_major else 1
    params = dict(batch_size=batch, time_steps=time_steps, input_size=input_size, state_size=state_size,
                  time_major=int(time_major))
    for k, g in enumerate(GATES):
        params[f"input_to_{g}_weights"] = ctx.tensor(ins[1 + k])
    for k, g in enumerate(GATES):
        params[f"recurrent_to_{g}_weights"] = ctx.tensor(ins[5 + k])
    for k, g in enumerate(GATES):
        params[f"{g}_gate_bias"] = ctx.tensor(ins[12 + k])
    cell_clip = float(np.float32(op.options.get("cell_clip", 0.0)))
    if cell_clip < 0:
        ctx.fail(f"cell_clip must be >= 0, got {cell_clip}")
    args = (ctx.tensor(inp.index), ctx.tensor(h.index), ctx.tensor(c.index), ctx.tensor(out.index))
    # each step writes its output rows after reading its input rows, and later steps read later rows
    steps = time_steps * (1 if time_major else batch)
    grow = rows * (state_size * out.itemsize - input_size * inp.itemsize)
    ctx.allow_overlap(out.index, inp.index, max(grow, steps * grow))

    kind = ctx.dtypes_of(inp, t[2], t[13], h, c, out)
    if kind == "float32/float32/float32/float32/float32/float32":
        if any(t[k].dtype != "float32" for k in list(range(1, 9)) + list(range(12, 16))):
            ctx.fail("a float LSTM needs float32 weights and biases (hybrid LSTMs are not supported)")
        params["cell_clip"] = cell_clip
        ctx.emit("tml_lstm_f32", *args, ctx.scratch_buffer(3 * rows * state_size * 4),
                 params_type="tml_lstm_f32_params", params=params)
        return
    if kind == "int8/int8/int32/int8/int16/int8":
        _lower_s8(op, ctx, t, inp, h, c, out, params, cell_clip)
        ctx.emit("tml_lstm_s8", *args, ctx.scratch_buffer(3 * rows * state_size * 2),
                 params_type="tml_lstm_s8_params", params=params)
        return
    ctx.fail(f"input/weights/bias/output_state/cell_state/output dtypes {kind} are not supported "
             "(float32 throughout, and int8/int8/int32/int8/int16/int8 are)")


def _lower_s8(op, ctx, t, inp, h, c, out, params, cell_clip):
    weights = [t[k] for k in range(1, 9)]
    require_quantized(ctx, inp, h, c, out, *weights)
    for w in weights:
        if w.dtype != "int8":
            ctx.fail(f"weights tensor {w.index} is {w.dtype}; an int8 LSTM needs int8 weights")
        if len(w.scale) != 1:
            ctx.fail(f"weights tensor {w.index} is quantized per channel; TFLM's LSTM uses one scale per tensor")
        if w.q_zero_point != 0:
            ctx.fail(f"weights tensor {w.index} has zero point {w.q_zero_point}; LSTM weights must be symmetric")
    for k in range(12, 16):
        if t[k].dtype != "int32":
            ctx.fail(f"gate bias {t[k].index} is {t[k].dtype}; an int8 LSTM needs int32 biases")
    if c.q_zero_point != 0:
        ctx.fail("the int16 cell state must have zero point 0")
    cell_power = checked_log2(c.q_scale)
    for k, g in enumerate(GATES):
        m, s = fc_multiplier(inp.q_scale, t[1 + k].q_scale, GATE_INPUT_SCALE)
        params[f"{g}_gate_input_multiplier"], params[f"{g}_gate_input_shift"] = m, s
        m, s = fc_multiplier(h.q_scale, t[5 + k].q_scale, GATE_INPUT_SCALE)
        params[f"{g}_gate_recurrent_multiplier"], params[f"{g}_gate_recurrent_shift"] = m, s
    fm, fs = mul_multiplier(GATE_OUTPUT_SCALE, c.q_scale, c.q_scale)
    im, is_ = mul_multiplier(GATE_OUTPUT_SCALE, GATE_OUTPUT_SCALE, c.q_scale)
    hm, hs = mul_multiplier(GATE_OUTPUT_SCALE, GATE_OUTPUT_SCALE, h.q_scale)
    tm, ts = tanh_prescale(cell_power)
    if cell_clip > 0:
        q = float(np.float64(cell_clip) / np.float64(np.float32(c.q_scale)))
        clip = int(math.trunc(min(max(q, -32768.0), 32767.0)))
    else:
        clip = -1
    params.update(input_offset=-inp.q_zero_point, hidden_offset=-h.q_zero_point, hidden_zero_point=h.q_zero_point)
    # the optimized gates take raw int8 inputs: offsets folded into per-row sums (NULL when not used)
    for k, g in enumerate(GATES):
        params[f"{g}_gate_input_folded"] = folded_bias(ctx, t[1 + k], t[12 + k], -inp.q_zero_point, t[1 + k].shape[0])
        params[f"{g}_gate_recurrent_folded"] = folded_bias(ctx, t[5 + k], None, -h.q_zero_point, t[5 + k].shape[0])
    params.update(forget_cell_multiplier=fm, forget_cell_shift=fs, input_cell_multiplier=im, input_cell_shift=is_,
                  hidden_multiplier=hm, hidden_shift=hs, tanh_cell_multiplier=tm, tanh_cell_shift=ts,
                  cell_clip=clip,
                  sigmoid_table=ctx.array("uint16_t", np.array(SIGMOID_TABLE_U16, np.uint16), "sigmoid_lut"))
