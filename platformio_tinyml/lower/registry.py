"""The operator registry and the values a lowering passes to its kernel call.

Each operator type has one lowering function, registered with :func:`register` by a module of
:mod:`platformio_tinyml.lower.ops`; :mod:`platformio_tinyml.lower.lower` imports those modules to fill
:data:`REGISTRY` and looks the lowerings up in it. Besides plain Python numbers, a kernel's arguments
and params are the small reference types below; :mod:`platformio_tinyml.emit.codegen` writes them as C.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

REGISTRY: dict = {}
CUSTOM: set = set()
"""The names in REGISTRY that are custom operators' codes (e.g. ``SignalWindow``), not builtins."""
OPERAND_SPECS: dict = {}
"""op name -> (fewest inputs, most inputs or None, outputs, optional input positions), checked before the
lowering runs (see :func:`platformio_tinyml.lower.lower.check_operands`)."""


def register(*op_types: str, operands: tuple | None = None, custom: bool = False):
    """Decorator: ``@register("FULLY_CONNECTED")`` on ``def lower(op, ctx)``.

    ``operands=(fewest inputs, most inputs or None, outputs, optional input positions)`` declares the
    operand counts the lowering relies on; ``custom=True`` registers custom operators by their code."""
    def deco(fn: Callable) -> Callable:
        for t in op_types:
            REGISTRY[t] = fn
            if custom:
                CUSTOM.add(t)
            if operands is not None:
                OPERAND_SPECS[t] = tuple(operands)
        return fn
    return deco


def lowering_for(op) -> Callable | None:
    """The lowering registered for the operator: builtins by name, custom operators by their code."""
    fn = REGISTRY.get(op.kind)
    if fn is None or (op.type == "CUSTOM") != (op.kind in CUSTOM):
        return None
    return fn


# ---------------------------------------------------------------- value kinds


@dataclass(frozen=True)
class TensorRef:
    """Pointer to a tensor's data: a const array in flash or a place in the arena."""
    tid: int


@dataclass(frozen=True)
class ScratchRef:
    """Pointer to an operator's scratch buffer in the arena (live during that operator only)."""
    sid: int


@dataclass(frozen=True)
class StateRef:
    """Pointer to an operator's persistent state in the arena: kept for the whole run, zeroed by
    NAME_reset() (and before the first invoke), for operators that carry state between invokes
    without a variable tensor (TFLM's Signal framer, stacker, delay, overlap-add)."""
    sid: int


@dataclass(frozen=True)
class BackwardRef:
    """1 where the plan puts a call's output after its input in the arena (the kernel then computes its
    pixels from the last to the first: LowerCtx.allow_backward), else 0. Where the two overlap, the plan
    satisfies the forward lead (the output starts before the input: 0) or the trail (after it: 1); where
    they do not, either order is correct."""
    out_tid: int
    in_tid: int


@dataclass(frozen=True)
class ArrayRef:
    """Name of a constant array emitted in the model's .c file."""
    name: str


@dataclass(frozen=True)
class PackedRef(ArrayRef):
    """A constant array in a layout only one arch's kernels read, written as ``macro(name)``: the library
    defines the macro as the array where those kernels are built and as NULL elsewhere (in a
    TML_FORCE_REFERENCE build, say), so that other images drop the array."""
    macro: str = "TML_PACKED_DSP"


@dataclass(frozen=True)
class Sym:
    """A C identifier or enumerator written as is (e.g. ``TML_PADDING_SAME``)."""
    name: str


@dataclass(frozen=True)
class Null:
    pass


NULL = Null()
