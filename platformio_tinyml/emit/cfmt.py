"""C literal and identifier helpers (the only place Python values become C text).

>>> c_identifier("hello-world int8.tflite")
'hello_world_int8_tflite'
>>> c_identifier("2nd model")
'm_2nd_model'
>>> c_identifier("int")
'int_'
>>> c_int(-2147483648)
'(-2147483647 - 1)'
>>> c_int(5)
'5'
>>> c_float(1.0), c_float(-0.5), c_float(3.4028234663852886e38)
('1.0f', '-0.5f', '3.40282347e+38f')
>>> c_float(0.1)
'0.100000001f'
"""
from __future__ import annotations

import math
import re

import numpy as np

C_KEYWORDS = {
    "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum",
    "extern", "float", "for", "goto", "if", "inline", "int", "long", "register", "restrict", "return",
    "short", "signed", "sizeof", "static", "struct", "switch", "typedef", "union", "unsigned", "void",
    "volatile", "while", "_Bool", "_Complex", "_Imaginary", "bool", "true", "false", "main",
    "setup", "loop", "asm", "typeof",
}


def c_identifier(text: str) -> str:
    """A valid, non-reserved C identifier made from any text (a file stem, a tensor name)."""
    s = re.sub(r"[^0-9A-Za-z_]", "_", text)
    s = re.sub(r"_+", "_", s).strip("_") or "model"
    if s[0].isdigit():
        s = "m_" + s
    if s in C_KEYWORDS or s.startswith("tml_") or s.startswith("TML_"):
        s = s + "_"
    return s


def c_int(v) -> str:
    v = int(v)
    if v == -2**31:
        return "(-2147483647 - 1)"
    if v == -2**63:
        return "(-9223372036854775807LL - 1)"
    if v > 2**31 - 1 or v < -2**31:
        return f"{v}LL"
    return str(v)


def c_float(v) -> str:
    """Exact float32 literal (9 significant digits round-trip every float32)."""
    f = float(np.float32(v))
    if math.isnan(f) or math.isinf(f):
        raise ValueError(f"non-finite float constant {f}")
    s = "%.9g" % f
    if not any(ch in s for ch in ".en"):
        s += ".0"
    return s + "f"


def c_array_values(values: np.ndarray, ctype: str, per_line: int = 0) -> list:
    """Lines of comma-separated literals for a constant array body."""
    flat = np.asarray(values).reshape(-1)
    if ctype == "float":
        items = [c_float(x) for x in flat]
        per_line = per_line or 8
    else:
        items = [c_int(x) for x in flat.tolist()]
        per_line = per_line or (16 if ctype in ("int8_t", "uint8_t") else 12)
    return [", ".join(items[i:i + per_line]) + "," for i in range(0, len(items), per_line)]


def c_string(text: str) -> str:
    out = text.replace("\\", "\\\\").replace('"', '\\"')
    out = "".join(ch if 32 <= ord(ch) < 127 else f"\\{ord(ch):03o}" for ch in out)
    return f'"{out}"'
