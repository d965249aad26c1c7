"""One test per defect class the fuzzer (tests/fuzz/fuzz_models.py) found: each used to end in an internal
error (a Python exception) or in C that does not compile with -Werror; now it is one TinymlError line
naming the model, the operator and the index. Each reproducer is a shared model read into the IR,
changed the way the fuzzer's input was, and written back with the converter's own writer."""
import os

import numpy as np
import pytest

from conftest import SHARED_MODELS
from platformio_tinyml import api
from platformio_tinyml.errors import TinymlError
from platformio_tinyml.read.reader import read_model
from platformio_tinyml.read.writer import write_model


def _mutated(tmp_path, model, edit):
    g = read_model(os.path.join(SHARED_MODELS, model))
    edit(g)
    path = tmp_path / "bad.tflite"
    path.write_bytes(write_model(g))
    return path


def refused(tmp_path, model, edit, *needles, arch="reference"):
    path = _mutated(tmp_path, model, edit)
    with pytest.raises(TinymlError) as exc:
        api.generate(str(path), str(tmp_path / "out"), arch=arch)
    msg = str(exc.value)
    assert "\n" not in msg and msg.startswith("bad.tflite: "), msg
    for n in needles:
        assert n in msg, f"{n!r} not in {msg!r}"
    assert not (tmp_path / "out").exists()
    return msg


# hello_world_int8: FULLY_CONNECTED 0 [0, 6, 5] -> [7], 1 [7, 4, 3] -> [8], 2 [8, 2, 1] -> [9]
HELLO = "hello_world_int8.tflite"
# micro_speech_quantized: RESHAPE, DEPTHWISE_CONV_2D, FULLY_CONNECTED, SOFTMAX (operator 3: [6] -> [9])
SPEECH = "micro_speech_quantized.tflite"


def _set(obj, **kw):
    def edit(g):
        for k, v in kw.items():
            setattr(obj(g), k, v)
    return edit


# 1. an operator with too few operands, or a required one omitted (-1): AttributeError / IndexError
@pytest.mark.parametrize("edit,needles", [
    (_set(lambda g: g.ops[3], inputs=[-1]), ("operator 3 (SOFTMAX)", "input 0 is omitted", "tensor -1")),
    (_set(lambda g: g.ops[2], outputs=[]), ("operator 2 (FULLY_CONNECTED)", "0 output(s)", "and 1 output")),
    (_set(lambda g: g.ops[2], inputs=[2]), ("operator 2 (FULLY_CONNECTED)", "1 input(s)", "2 to 3")),
    (_set(lambda g: g.ops[1], inputs=[-1, 8, 0]), ("operator 1 (DEPTHWISE_CONV_2D)", "input 0 is omitted")),
])
def test_missing_operands(tmp_path, edit, needles):
    refused(tmp_path, SPEECH, edit, *needles)


# 2. a scale that is NaN, infinite, zero, negative or subnormal: ValueError / OverflowError in the quantizer
@pytest.mark.parametrize("scale", [np.nan, np.inf, -np.inf, 0.0, -0.5, 1e-45])
def test_unusable_scale(tmp_path, scale):
    refused(tmp_path, HELLO, _set(lambda g: g.tensors[8], scale=np.array([scale], np.float32)),
            "operator 1 (FULLY_CONNECTED)", "tensor 8", "quantization scale")


# 3. a zero point outside its dtype (and int32): silently truncated into the C, -Werror=overflow
@pytest.mark.parametrize("zp,dtype_name", [(2**33 + 1, "int8"), (-2**63, "int8"), (128, "int8")])
def test_zero_point_out_of_range(tmp_path, zp, dtype_name):
    refused(tmp_path, HELLO, _set(lambda g: g.tensors[7], zero_point=np.array([zp], np.int64)),
            "operator 0 (FULLY_CONNECTED)", "tensor 7", f"zero point {zp}", f"range of {dtype_name}")


def test_int32_zero_point_out_of_int32(tmp_path):
    refused(tmp_path, HELLO, _set(lambda g: g.tensors[5], zero_point=np.array([2**40], np.int64)),
            "operator 0 (FULLY_CONNECTED)", "tensor 5", "range of int32")


# 4. a non-finite float option (SOFTMAX beta NaN): ValueError in the quantizer helpers
@pytest.mark.parametrize("beta", [float("nan"), float("inf")])
def test_non_finite_option(tmp_path, beta):
    def edit(g):
        g.ops[3].options["beta"] = beta
    refused(tmp_path, SPEECH, edit, "operator 3 (SOFTMAX)", "option beta", "finite")


# 5. a dtype no kernel has (float16, an unknown type code) reaching a lowering: KeyError in Tensor.itemsize
def test_unknown_dtype_in_operator(tmp_path):
    refused(tmp_path, SPEECH, _set(lambda g: g.tensors[2], dtype="float16"),
            "operator 1 (DEPTHWISE_CONV_2D)", "tensor 2", "dtype float16")


# 6. a bias that is not a constant: TypeError when the optimized layouts fold it
def test_non_constant_bias(tmp_path):
    def edit(g):
        g.ops[0].inputs = [0, 6, 1]   # the bias of operator 0 is now the bias tensor 1 ...
        g.tensors[1].data = None      # ... made a plain activation tensor
    refused(tmp_path, HELLO, edit, "operator 0 (FULLY_CONNECTED)", "input 2", "constant", arch="cortex-m4")


# 7. a model input or output that is a constant: C that does not compile (undeclared / discards const)
def test_constant_model_output(tmp_path):
    def edit(g):
        g.outputs = [9, 2]
    refused(tmp_path, HELLO, edit, "model output 1 is tensor 2", "a constant")


# 8. a model input or output of more than 6 dimensions: ValueError in code generation
def test_rank_above_six(tmp_path):
    def edit(g):
        g.ops = g.ops[:1]
        g.outputs = [7]
        g.tensors[0].shape = (1, 1, 1, 1, 1, 1, 1)
    refused(tmp_path, HELLO, edit, "model input 0", "7 dimensions", "at most 6")


# 9. the single place values become C checks them against their C type (point 5 of the issue)
def test_params_range_checked_against_field_type(tmp_path):
    from platformio_tinyml.emit.cfmt import CValueError, c_int
    from platformio_tinyml.emit.codegen import field_types, generate_sources
    from platformio_tinyml.lower.lower import lower_graph
    assert field_types()["tml_fully_connected_s8_params"]["output_multiplier"] == "int32_t"
    assert c_int(2**31 - 1, "int32_t") == "2147483647"
    with pytest.raises(CValueError):
        c_int(2**31, "int32_t")
    with pytest.raises(CValueError):
        c_int(-1, "uint32_t")
    prog = lower_graph(read_model(os.path.join(SHARED_MODELS, HELLO)))
    prog.calls[1].params["output_multiplier"] = 2**31
    with pytest.raises(TinymlError, match=r"hello_world_int8.tflite: operator 1 \(FULLY_CONNECTED\): tml_fully_"
                                          r"connected_s8_params.output_multiplier = 2147483648 does not fit int32_t"):
        generate_sources(prog, "net")
    prog.calls[1].params["output_multiplier"] = 1
    prog.calls[1].params["act_min"] = float("inf")
    with pytest.raises(TinymlError, match="act_min = inf is not a finite float"):
        generate_sources(prog, "net")


# 10. a bias with more or fewer values than output channels: ValueError (broadcast) folding it, and
#     out-of-bounds reads in the reference kernels
@pytest.mark.parametrize("model,op_index,tensor,needles", [
    (HELLO, 1, 3, ("operator 1 (FULLY_CONNECTED)", "bias tensor 3", "8 values for 16 output channels")),
    (SPEECH, 1, 0, ("operator 1 (DEPTHWISE_CONV_2D)", "bias tensor 0", "4 values for 8 output channels")),
])
def test_bias_size(tmp_path, model, op_index, tensor, needles):
    def edit(g):
        t = g.tensors[tensor]
        t.data = t.data[:len(t.data) // 2].copy()
        t.shape = t.data.shape
    for arch in ("reference", "portable"):
        refused(tmp_path, model, edit, *needles, arch=arch)


# 11. finite scales whose product overflows float32 (SVDF computes its rescale factors in float32):
#     OverflowError in the quantizer helpers
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_scale_product_overflows(tmp_path):
    # keyword_scrambled: operator 1 is SVDF [0, 1, 2, 3, 4] -> [5]; input 0 times weights_feature 1
    def edit(g):
        for ti in (0, 1):
            g.tensors[ti].scale = np.array([3e38], np.float32)
    refused(tmp_path, "keyword_scrambled.tflite", edit, "operator 1 (SVDF)", "rescale factor", "inf")
