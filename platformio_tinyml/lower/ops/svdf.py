"""SVDF: float32, and int8 with int16 or int8 weights_time/state (TFLM's integer SVDF).

Inputs: 0 input [batches, input_size], 1 weights_feature [num_filters, input_size],
2 weights_time [num_filters, memory_size], 3 bias [num_units] (optional), 4 the state
(a variable tensor [batches, num_filters * memory_size]). The state lives in the arena for
the whole run; NAME_reset() restores it the way TFLM resets variable tensors.
"""
from __future__ import annotations

import numpy as np

from ...quantize.quant import ACTIVATIONS
from .common import quantize_multiplier
from ..registry import Sym, register
from .common import require_quantized

_FLOAT_ACTS = {"NONE": "TML_SVDF_ACT_NONE", "RELU": "TML_SVDF_ACT_RELU",
               "RELU_N1_TO_1": "TML_SVDF_ACT_RELU_N1_TO_1", "RELU6": "TML_SVDF_ACT_RELU6",
               "TANH": "TML_SVDF_ACT_TANH"}


def _scale_f32(a: float, b: float, c: float) -> float:
    """a * b / c in float32 arithmetic, then widened: TFLM's Prepare computes its SVDF scales so."""
    return float(np.float32(np.float32(a) * np.float32(b)) / np.float32(c))


@register("SVDF")
def lower_svdf(op, ctx):
    if len(op.inputs) != 5:
        ctx.fail(f"SVDF needs 5 inputs (input, weights_feature, weights_time, bias, state), got {len(op.inputs)}")
    inp, wf, wt = ctx.t(op.inputs[0]), ctx.t(op.inputs[1]), ctx.t(op.inputs[2])
    bias, state = ctx.t(op.inputs[3]), ctx.t(op.inputs[4])
    out = ctx.t(op.outputs[0])
    rank = int(op.options.get("rank", 1))
    if state is None or not state.is_variable:
        ctx.fail("the SVDF state (input 4) must be a variable tensor")
    if not wf.is_const or not wt.is_const:
        ctx.fail("weights_feature and weights_time must be constant")
    if len(inp.shape) != 2 or len(wf.shape) != 2 or len(wt.shape) != 2 or len(out.shape) != 2:
        ctx.fail("SVDF supports 2-D input [batches, input_size], weights and output only")
    batches, input_size = inp.shape
    num_filters, memory_size = wt.shape
    if rank <= 0 or num_filters % rank:
        ctx.fail(f"rank {rank} does not divide num_filters {num_filters}")
    num_units = num_filters // rank
    if wf.shape != (num_filters, input_size) or tuple(out.shape) != (batches, num_units):
        ctx.fail(f"inconsistent SVDF shapes: input {list(inp.shape)}, weights_feature {list(wf.shape)}, "
                 f"weights_time {list(wt.shape)}, output {list(out.shape)}")
    if state.size != batches * num_filters * memory_size:
        ctx.fail(f"state has {state.size} values, expected {batches}x{num_filters * memory_size}")
    if bias is not None and bias.size != num_units:
        ctx.fail(f"bias has {bias.size} values for {num_units} units")
    ctx.macs += batches * num_filters * (input_size + memory_size)
    common = dict(batches=batches, input_size=input_size, num_filters=num_filters, num_units=num_units,
                  rank=rank, memory_size=memory_size)
    args = (ctx.tensor(inp.index), ctx.tensor(wf.index), ctx.tensor(wt.index), ctx.opt_tensor(op.inputs[3]),
            ctx.tensor(state.index), ctx.tensor(out.index))

    kind = ctx.dtypes_of(inp, wf, wt, state, out)
    if kind == "float32/float32/float32/float32/float32":
        if bias is not None and bias.dtype != "float32":
            ctx.fail(f"float SVDF needs a float32 bias, got {bias.dtype}")
        act = ACTIVATIONS.get(op.options.get("fused_activation_function", 0), "NONE")
        if act not in _FLOAT_ACTS:
            ctx.fail(f"fused activation {act} is not supported (NONE, RELU, RELU_N1_TO_1, RELU6, TANH are)")
        ctx.emit("tml_svdf_f32", *args, params_type="tml_svdf_f32_params",
                 params=dict(common, activation=Sym(_FLOAT_ACTS[act])))
        return
    if kind in ("int8/int8/int16/int16/int8", "int8/int8/int8/int8/int8"):
        require_quantized(ctx, inp, wf, wt, state, out)
        if bias is not None:
            if bias.dtype != "int32":
                ctx.fail(f"int8 SVDF needs an int32 bias, got {bias.dtype}")
            # TFLM's Prepare refuses a bias whose scale is not state_scale * weights_time_scale
            expect = np.float32(np.float32(state.q_scale) * np.float32(wt.q_scale))
            if abs(float(np.float32(bias.q_scale)) - float(expect)) >= 1e-5:
                ctx.fail(f"bias scale {bias.q_scale} is not state scale * weights_time scale ({float(expect)})")
        if wf.q_zero_point != 0 or wt.q_zero_point != 0:
            ctx.fail("SVDF weights must be symmetrically quantized (zero point 0)")
        # TFLM's integer SVDF does not apply the fused activation (the output range carries it),
        # and computes both scales in float32 (in double, 27 of the 28 scales of the
        # keyword_scrambled models would give other multipliers).
        m1, s1 = quantize_multiplier(_scale_f32(inp.q_scale, wf.q_scale, state.q_scale))
        m2, s2 = quantize_multiplier(_scale_f32(state.q_scale, wt.q_scale, out.q_scale))
        fn = "tml_svdf_s8_s16" if state.dtype == "int16" else "tml_svdf_s8_s8"
        ctx.emit(fn, *args, params_type="tml_svdf_s8_params",
                 params=dict(common, input_zero_point=inp.q_zero_point, state_zero_point=state.q_zero_point,
                             output_zero_point=out.q_zero_point, multiplier_1=m1, shift_1=s1,
                             multiplier_2=m2, shift_2=s2))
        return
    ctx.fail(f"input/weights_feature/weights_time/state/output dtypes {kind} are not supported "
             "(float32 throughout, int8/int8/int16/int16/int8 and int8/int8/int8/int8/int8 are; "
             "hybrid float-input models are not)")
