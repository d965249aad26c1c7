"""The small graph IR every other stage works on.

A :class:`Graph` is a plain list of tensors and a topologically ordered list of
operators, read once from a ``.tflite`` file by :mod:`platformio_tinyml.read.reader`.
Nothing here knows about flatbuffers or C.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

import numpy as np

#: dtype name -> (numpy dtype, C type, size in bytes, library enum)
DTYPES = {
    "int8": (np.int8, "int8_t", 1, "TML_INT8"),
    "uint8": (np.uint8, "uint8_t", 1, "TML_UINT8"),
    "int16": (np.int16, "int16_t", 2, "TML_INT16"),
    "int32": (np.int32, "int32_t", 4, "TML_INT32"),
    "int64": (np.int64, "int64_t", 8, "TML_INT64"),
    "float32": (np.float32, "float", 4, "TML_FLOAT32"),
    "bool": (np.bool_, "uint8_t", 1, "TML_BOOL"),
    "uint16": (np.uint16, "uint16_t", 2, "TML_UINT16"),
    "uint32": (np.uint32, "uint32_t", 4, "TML_UINT32"),
    "uint64": (np.uint64, "uint64_t", 8, "TML_UINT64"),
}


@dataclass
class Tensor:
    index: int
    name: str
    dtype: str
    shape: tuple
    data: Optional[np.ndarray] = None          # constant (weights, biases, shapes)
    scale: Optional[np.ndarray] = None         # float32, one per tensor or per channel
    zero_point: Optional[np.ndarray] = None    # int64
    quant_dim: int = 0
    is_variable: bool = False                  # state (LSTM/SVDF), persists across invokes
    variable_init: Optional[np.ndarray] = None  # initial value from the file, if any

    @property
    def is_const(self) -> bool:
        return self.data is not None and not self.is_variable

    @property
    def size(self) -> int:
        n = 1
        for d in self.shape:
            n *= int(d)
        return n

    @property
    def itemsize(self) -> int:
        return DTYPES[self.dtype][2]

    @property
    def nbytes(self) -> int:
        return self.size * self.itemsize

    @property
    def ctype(self) -> str:
        return DTYPES[self.dtype][1]

    @property
    def np_dtype(self):
        return DTYPES[self.dtype][0]

    @property
    def quantized(self) -> bool:
        return self.scale is not None and len(self.scale) > 0

    @property
    def q_scale(self) -> float:
        """Per-tensor scale as TFLite stores it (float32), 0.0 if not quantized."""
        return float(self.scale[0]) if self.quantized else 0.0

    @property
    def q_zero_point(self) -> int:
        if self.zero_point is None or len(self.zero_point) == 0:
            return 0
        return int(self.zero_point[0])


@dataclass
class Op:
    index: int
    type: str                      # builtin name, e.g. "FULLY_CONNECTED", or "CUSTOM"
    inputs: list                   # tensor indices, -1 for an omitted optional input
    outputs: list
    options: dict = field(default_factory=dict)
    intermediates: list = field(default_factory=list)
    custom_code: Optional[str] = None
    version: int = 1
    options_type: str = ""         # the builtin options table's name, e.g. "Conv2DOptions"
    custom_options: bytes = b""    # a custom operator's options as stored (a FlexBuffer map); decoded
                                   # into ``options`` by the reader

    @property
    def kind(self) -> str:
        """The name lowerings are registered under: the builtin name, or a custom operator's code."""
        return self.custom_code if self.type == "CUSTOM" and self.custom_code else self.type

    @property
    def display(self) -> str:
        return f"{self.custom_code} (custom)" if self.custom_code else self.type


@dataclass
class Graph:
    name: str                      # where the model came from (file name), for messages
    sha256: str
    tensors: list
    ops: list
    inputs: list
    outputs: list
    description: str = ""

    def t(self, index: int) -> Optional[Tensor]:
        return None if index < 0 else self.tensors[index]

    def consumers(self) -> dict:
        out: dict[int, list] = {}
        for op in self.ops:
            for i in op.inputs:
                if i >= 0:
                    out.setdefault(i, []).append(op.index)
        return out


def opt(op: Op, key: str, default: Any = None) -> Any:
    return op.options.get(key, default)
