"""How each operator is quantized: TensorFlow's converter's rules, one table row per operator.

The classes (as TensorFlow Lite's quantization specification and its converter apply them):

* ``SAME``: the output keeps the scale and zero point of the tied inputs (data movement, max/min,
  resizes): every tied input and every output share one quantization, from their joint range;
* ``FIXED``: a fixed output quantization (:data:`FIXED_OUTPUT`, :data:`FIXED_OUTPUT_16`);
* ``OWN``: the output has its own calibrated range;
* ``WEIGHTED``: own output range, constant weights quantized symmetrically per output channel and a
  bias at input scale x weight scale (:data:`WEIGHTED`);
* ``INDEX``: integer outputs (ARG_MAX, SHAPE), not quantized; the inputs are quantized as usual;
* ``FLOAT``: the operator stays float32 inside the quantized model, between a DEQUANTIZE of its
  inputs and a QUANTIZE of its output. These are the operators TensorFlow's converter leaves float
  (NEG, CAST, ELU) and those TFLite Micro runs only in float32 (EXP, LOG, SQRT, which TensorFlow
  quantizes to int8 kernels TFLite Micro does not have);
* ``LSTM``: TFLite Micro's integer LSTM (see quantizer.py).

``int16`` is the class in the 16x8 scheme (int16 activations, int8 weights), or None where
TensorFlow's 16x8 mode refuses the operator (or TFLite Micro has no int16 kernel); ``why16`` says which.

Where ours differs from TensorFlow's converter (2.21), on purpose:

* EXP, LOG (int8 and int16) and SQRT (int8): TensorFlow quantizes them to kernels TFLite Micro does not
  have (its int8 model fails in TFLM); ours keeps them float;
* SPLIT_V in int8: TensorFlow leaves it float; ours keeps the input's scale (the same values, no
  DEQUANTIZE/QUANTIZE);
* SUM in int16x8: TensorFlow gives the output the input's scale (a sum of many values saturates);
  ours gives it its own range;
* GATHER, RESIZE_BILINEAR, REDUCE_MAX in int16x8: TensorFlow quantizes them, TFLite Micro has no int16
  kernel: refused;
* in int16x8 TensorFlow requantizes into MAXIMUM, MINIMUM and CONCATENATION where ours shares one scale;
* a fixed-scale tensor (L2_NORMALIZATION, SOFTMAX...) tied by a several-input operator to wider values
  is requantized (QUANTIZE int8 -> int8) to the operator's scale instead of clipping the others.

Constant float inputs of an operator (``consts``) are quantized like activations with their own
range (``"own"``: ADD's, SUB's, BATCH_MATMUL's constant operands), with the tied group's quantization
(``"tied"``: CONCATENATION, MAXIMUM, PADV2's pad value) or symmetrically per tensor (``"sym"``: PRELU's
alpha).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

SAME, FIXED, OWN, WEIGHTED_K, INDEX, FLOAT, LSTM = "same", "fixed", "own", "weighted", "index", "float", "lstm"

ALL = "all"
_NO_TF16 = "TensorFlow's 16x8 mode does not quantize it"


@dataclass(frozen=True)
class Rule:
    int8: str
    int16: Optional[str] = "="          # "=": as int8
    why16: str = ""
    tied: object = (0,)                 # SAME: the input positions tied to the outputs, or ALL
    version: int = 1                    # the version TensorFlow's converter gives the quantized form
    version16: int = 0                  # the same for int16 (0: as int8)
    consts: str = ""                    # "own", "tied" or "sym": constant float inputs quantized so

    def kind(self, wide: bool) -> Optional[str]:
        if not wide:
            return self.int8
        return self.int8 if self.int16 == "=" else self.int16


def _no16(kind, why, **kw):
    return Rule(kind, None, why, **kw)


RULES = {
    # data movement: the output keeps the input's quantization
    "MAX_POOL_2D": Rule(SAME, version=2),
    "AVERAGE_POOL_2D": Rule(SAME, version=2),
    "RESHAPE": Rule(SAME),
    "SQUEEZE": Rule(SAME),
    "EXPAND_DIMS": Rule(SAME),
    "STRIDED_SLICE": Rule(SAME, version=2),
    "SLICE": Rule(SAME, version=2),
    "PAD": Rule(SAME, version=2),
    "PADV2": Rule(SAME, version=2, consts="tied"),
    "TRANSPOSE": Rule(SAME, version=2),
    "CONCATENATION": Rule(SAME, tied=ALL, version=2, consts="tied"),
    "PACK": Rule(SAME, tied=ALL, version=2, consts="tied"),
    "UNPACK": Rule(SAME, version=2),
    "SPLIT": Rule(SAME, tied=(1,), version=2),
    "SPLIT_V": Rule(SAME, version=2),
    "BROADCAST_TO": Rule(SAME, version=3),
    "GATHER": _no16(SAME, "TFLite Micro's GATHER takes float32 and int8 only", version=2),
    "SPACE_TO_DEPTH": _no16(SAME, _NO_TF16, version=2),
    "DEPTH_TO_SPACE": _no16(SAME, _NO_TF16, version=2),
    "RESIZE_NEAREST_NEIGHBOR": Rule(SAME, version=3),
    "RESIZE_BILINEAR": _no16(SAME, "TFLite Micro's RESIZE_BILINEAR takes float32 and int8 only", version=3),
    "MAXIMUM": Rule(SAME, tied=ALL, version=2, consts="tied"),
    "MINIMUM": Rule(SAME, tied=ALL, version=2, consts="tied"),
    "REDUCE_MAX": _no16(SAME, "TFLite Micro's REDUCE_MAX takes float32 and int8 only", version=2),
    # fixed output quantization
    "SOFTMAX": Rule(FIXED, version=2),
    "LOGISTIC": Rule(FIXED, version=2),
    "TANH": Rule(FIXED, version=2),
    "LOG_SOFTMAX": _no16(FIXED, _NO_TF16, version=2),
    "L2_NORMALIZATION": _no16(FIXED, _NO_TF16, version=2),
    # own calibrated output range
    "ADD": Rule(OWN, version=2, consts="own"),
    "MUL": Rule(OWN, version=2, consts="own"),
    "SUB": Rule(OWN, version=2, consts="own"),
    "DIV": _no16(OWN, _NO_TF16, consts="own"),
    "SQUARED_DIFFERENCE": Rule(OWN, version=2, consts="own"),
    "MEAN": Rule(OWN, version=2),
    "SUM": Rule(OWN, version=2),
    "RELU": Rule(OWN, version=2),
    "RELU6": Rule(OWN, version=2),
    "LEAKY_RELU": Rule(OWN, version=1, version16=2),
    "PRELU": _no16(OWN, _NO_TF16, consts="sym"),
    "HARD_SWISH": _no16(OWN, _NO_TF16),
    "RSQRT": Rule(OWN, version=2),
    "ABS": Rule(OWN, SAME, version=2),          # int16: TensorFlow keeps the input's scale
    "BATCH_MATMUL": Rule(OWN, version=2, consts="own"),
    "CONV_2D": Rule(WEIGHTED_K, version=3),
    "DEPTHWISE_CONV_2D": Rule(WEIGHTED_K, version=3),
    "FULLY_CONNECTED": Rule(WEIGHTED_K, version=4),
    "TRANSPOSE_CONV": Rule(WEIGHTED_K, version=2, version16=3),
    # integer outputs
    "ARG_MAX": _no16(INDEX, _NO_TF16, version=2),
    "ARG_MIN": _no16(INDEX, _NO_TF16, version=2),
    "SHAPE": Rule(INDEX),
    # stay float32 (DEQUANTIZE before, QUANTIZE after)
    "EXP": Rule(FLOAT),
    "LOG": Rule(FLOAT),
    "SQRT": Rule(FLOAT),
    "NEG": Rule(FLOAT),
    "CAST": Rule(FLOAT),
    "ELU": Rule(FLOAT),
    "UNIDIRECTIONAL_SEQUENCE_LSTM": Rule(LSTM, None, "not yet"),
}

#: why the FLOAT operators stay float (for the report and the docs)
WHY_FLOAT = {
    "EXP": "TFLite Micro runs it in float32 only",
    "LOG": "TFLite Micro runs it in float32 only",
    "SQRT": "TFLite Micro runs it in float32 only",
    "NEG": "TensorFlow's converter leaves it float, and TFLite Micro runs it in float32 only",
    "CAST": "it converts between float32 and integers",
    "ELU": "TensorFlow's converter leaves it float",
}

#: fixed output quantization: (scale, zero point), int8 and int16
FIXED_OUTPUT = {"SOFTMAX": (1.0 / 256, -128), "LOGISTIC": (1.0 / 256, -128), "TANH": (1.0 / 128, 0),
                "LOG_SOFTMAX": (16.0 / 256, 127), "L2_NORMALIZATION": (1.0 / 128, 0)}
FIXED_OUTPUT_16 = {"SOFTMAX": (1.0 / 32768, 0), "LOGISTIC": (1.0 / 32768, 0), "TANH": (1.0 / 32768, 0)}

#: (weights input, bias input, weight quantization axis or None for per-tensor, data input)
WEIGHTED = {"CONV_2D": (1, 2, 0, 0), "DEPTHWISE_CONV_2D": (1, 2, 3, 0), "FULLY_CONNECTED": (1, 2, 0, 0),
            "TRANSPOSE_CONV": (1, 3, 0, 2)}
#: the weighted operators whose following per-channel MUL/ADD the float clean-up folds in
FOLDABLE = ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED")
LSTM_WEIGHTS = range(1, 9)
LSTM_BIASES = range(12, 16)

QUANTIZABLE = tuple(RULES)
SAME_SCALE = tuple(k for k, r in RULES.items() if r.int8 == SAME)
OWN_RANGE = tuple(k for k, r in RULES.items() if r.int8 in (OWN, WEIGHTED_K, LSTM))
FLOAT_OPS = tuple(k for k, r in RULES.items() if r.int8 == FLOAT)


def version(op_type: str, wide: bool) -> int:
    r = RULES.get(op_type)
    if op_type == "DEQUANTIZE":
        return 2
    if r is None or r.int8 == FLOAT:
        return 1
    return (r.version16 or r.version) if wide else r.version


def tied_inputs(op) -> list:
    """The input positions of a SAME operator that share the output's quantization."""
    r = RULES[op.type]
    if r.tied == ALL:
        return [k for k, i in enumerate(op.inputs) if i >= 0]
    return [k for k in r.tied if k < len(op.inputs) and op.inputs[k] >= 0]


def refusal_16(op_type: str) -> Optional[str]:
    """Why an operator cannot be quantized to int16x8, or None when it can."""
    r = RULES.get(op_type)
    if r is None or r.kind(True) is not None:
        return None
    return r.why16 or "not supported"
