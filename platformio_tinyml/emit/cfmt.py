"""C literal and identifier helpers (the only place Python values become C text).

A model file can come from anywhere, so every string taken from one (tensor and operator names,
file names, the banner's note) reaches the generated ``.c``/``.h`` through exactly one of two
functions, which the templates use as filters: :func:`c_comment` for text inside ``/* */`` and
:func:`c_string` for a string literal. Model names become identifiers through :func:`c_identifier`.

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

# Names a model may not have as they are (compared in lower case; see c_identifier). A generated
# NAME.h sits on the build's include path, where it shadows any header of that name (whatever the
# case, on case-insensitive file systems); the keywords of C and C++, which both include NAME.h,
# are kept out too. Keywords that start with '_' (_Bool, _Atomic, ...) are not listed:
# c_identifier never gives a leading '_'.
C_KEYWORDS = frozenset("""
    auto break case char const continue default do double else enum extern float for goto if inline
    int long register restrict return short signed sizeof static struct switch typedef union unsigned
    void volatile while alignas alignof bool constexpr false nullptr static_assert thread_local true
    typeof typeof_unqual asm
    and and_eq bitand bitor catch char8_t char16_t char32_t class compl concept consteval constinit
    const_cast co_await co_return co_yield decltype delete dynamic_cast explicit export friend mutable
    namespace new noexcept not not_eq operator or or_eq private protected public reinterpret_cast
    requires static_cast template this throw try typeid typename using virtual wchar_t xor xor_eq
    main setup loop
""".split())
HEADER_NAMES = frozenset("""
    assert complex ctype errno fenv float inttypes iso646 limits locale math setjmp signal stdalign
    stdarg stdatomic stdbit stdbool stdckdint stddef stdint stdio stdlib stdnoreturn string tgmath
    threads time uchar wchar wctype
    alloca malloc strings unistd endian features newlib ieeefp
    arduino new
""".split())
LIBRARY_PREFIXES = ("tml", "tinyml")   # the kernel library's names: tml_*, TML_*, tinyml.h, TINYML_*


def c_identifier(text: str) -> str:
    r"""The model name (NAME.h, NAME.c, NAME_invoke(), NAME_* macros) made from any text.

    The rule, the same for a file name, ``--name`` and the PlatformIO hook:

    1. every character other than ``[0-9A-Za-z_]`` becomes ``_``, runs of ``_`` become one,
       leading and trailing ``_`` go; nothing left gives ``model``;
    2. a name that starts with a digit, or that is ``tml`` or ``tinyml`` or starts with ``tml_`` or
       ``tinyml_`` (in any case: the kernel library's names, e.g. ``tml.tflite`` would declare
       ``tml_model``, the library's type, and ``tinyml.h`` would shadow its header) gets ``m_`` in
       front;
    3. a name that is, in lower case, a C or C++ keyword (``int``, ``new``, also ``main``, ``setup``,
       ``loop``) or the base name of a header the build includes (the C standard headers ``math``,
       ``string``, ``stdint``, ``stddef``..., the C libraries' ``malloc``, ``unistd``, ``features``...,
       and ``Arduino``) gets ``_model`` appended: the generated header would shadow it.

    The result is a valid C identifier outside the library's and the system's names, and the rule is
    idempotent (a name it gave comes back unchanged). Two models collide when their names are equal
    ignoring case (:func:`name_key`): header guards and upper-case macros would be the same.

    >>> c_identifier("hello-world int8.tflite")
    'hello_world_int8_tflite'
    >>> c_identifier("2nd model")
    'm_2nd_model'
    >>> c_identifier("int"), c_identifier("math"), c_identifier("String"), c_identifier("stddef")
    ('int_model', 'math_model', 'String_model', 'stddef_model')
    >>> c_identifier("tinyml"), c_identifier("tml"), c_identifier("TML_net"), c_identifier("tmlnet")
    ('m_tinyml', 'm_tml', 'm_TML_net', 'tmlnet')
    >>> c_identifier("math_model"), c_identifier("m_tml"), c_identifier("__init__"), c_identifier("")
    ('math_model', 'm_tml', 'init', 'model')
    """
    s = re.sub(r"[^0-9A-Za-z_]", "_", text)
    s = re.sub(r"_+", "_", s).strip("_") or "model"
    low = s.lower()
    if s[0].isdigit() or any(low == p or low.startswith(p + "_") for p in LIBRARY_PREFIXES):
        s = "m_" + s
    elif low in C_KEYWORDS or low in HEADER_NAMES:
        s = s + "_model"
    return s


def name_key(name: str) -> str:
    """What two model names are compared by: ``kws`` and ``KWS`` give the same guard and macros.

    >>> name_key("KWS") == name_key("kws")
    True
    """
    return name.lower()


class CValueError(ValueError):
    """A value its C type cannot hold (code generation turns it into a TinymlError naming where it goes)."""


#: The integer C types values are written as, and their ranges.
C_INT_RANGES = {"int8_t": (-2**7, 2**7 - 1), "uint8_t": (0, 2**8 - 1), "int16_t": (-2**15, 2**15 - 1),
                "uint16_t": (0, 2**16 - 1), "int32_t": (-2**31, 2**31 - 1), "uint32_t": (0, 2**32 - 1),
                "int": (-2**31, 2**31 - 1), "int64_t": (-2**63, 2**63 - 1), "uint64_t": (0, 2**64 - 1)}


def c_int(v, ctype: str = "int64_t") -> str:
    """An integer literal for a value of C type ``ctype``; a value outside its range raises CValueError.

    >>> c_int(2**31, "int32_t")
    Traceback (most recent call last):
    ...
    platformio_tinyml.emit.cfmt.CValueError: 2147483648 does not fit int32_t (-2147483648 to 2147483647)
    """
    v = int(v)
    lo, hi = C_INT_RANGES[ctype]
    if not lo <= v <= hi:
        raise CValueError(f"{v} does not fit {ctype} ({lo} to {hi})")
    if v == -2**31:
        return "(-2147483647 - 1)"
    if v == -2**63:
        return "(-9223372036854775807LL - 1)"
    if v > 2**63 - 1:
        return f"{v}ULL"
    if v > 2**31 - 1 or v < -2**31:
        return f"{v}LL"
    return str(v)


def c_float(v) -> str:
    """Exact float32 literal (9 significant digits round-trip every float32)."""
    f = float(np.float32(v))
    if math.isnan(f) or math.isinf(f):
        raise CValueError(f"{v} is not a finite float")
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
        items = [c_int(x, ctype) for x in flat.tolist()]
        per_line = per_line or (16 if ctype in ("int8_t", "uint8_t") else 12)
    return [", ".join(items[i:i + per_line]) + "," for i in range(0, len(items), per_line)]


def c_comment(text: str) -> str:
    r"""Any text as the inside of a ``/* */`` comment, in printable ASCII.

    Characters outside printable ASCII and the backslash become ``\xHH`` (below 128) or
    ``\uHHHH`` / ``\UHHHHHHHH`` (code points); so do a ``/`` after a ``*`` and a ``*`` after a
    ``/`` (the comment cannot end early or warn of a nested one), a ``?`` after a ``?`` (no
    trigraph, e.g. ``??/``, a backslash), and a ``/``, ``*`` or ``?`` at either end (the text cannot
    pair with what the template puts around it). Every backslash of the result is followed by
    ``x``, ``u`` or ``U``: no line splice, with or without trigraphs.

    >>> print(c_comment("x*/ int INJ = 1; /*"))
    x*\x2f int INJ = 1; /\x2a
    >>> print(c_comment("a??/\nb\\"), c_comment("caf\u00e9 \U0001F600"), c_comment("dense/MatMul;1"))
    a?\x3f/\x0ab\x5c caf\u00e9 \U0001f600 dense/MatMul;1
    """
    out = []
    prev, last = "", len(text) - 1
    for i, ch in enumerate(text):
        o = ord(ch)
        if o >= 0x80:
            piece = f"\\u{o:04x}" if o <= 0xFFFF else f"\\U{o:08x}"
        elif (o < 0x20 or o == 0x7F or ch == "\\"
              or (ch in "/*?" and (i == 0 or i == last))
              or (ch == "/" and prev == "*") or (ch == "*" and prev == "/") or (ch == "?" and prev == "?")):
            piece = f"\\x{o:02x}"
        else:
            piece = ch
        out.append(piece)
        prev = piece[-1]
    return "".join(out)


def c_string(text: str) -> str:
    r"""Any text as a C string literal whose bytes are exactly the text's UTF-8.

    Printable ASCII stays, but for ``\"``, ``\\`` and ``\?`` (no trigraph); every other byte is a
    three-digit octal escape, which (unlike C's greedy hex escapes) cannot take in the character
    after it. The result is plain ASCII. (A NUL is kept, so C's string functions see the text up
    to it.) Lone surrogates, which no UTF-8 has, are encoded as if they were code points.

    >>> print(c_string('say "hi"? \\ caf\u00e9 \U0001F600 7'))
    "say \"hi\"\? \\ caf\303\251 \360\237\230\200 7"
    >>> print(c_string("\x00" "1" "\n"))
    "\0001\012"
    """
    out = []
    for b in text.encode("utf-8", "surrogatepass"):
        ch = chr(b)
        if ch in '"\\?':
            out.append("\\" + ch)
        elif 0x20 <= b < 0x7F:
            out.append(ch)
        else:
            out.append(f"\\{b:03o}")
    return '"' + "".join(out) + '"'
