"""One exception type for every problem a user can fix.

The command line and the PlatformIO hook print ``str(err)`` as one line and exit
non-zero; a traceback is only ever shown for bugs of the project itself.

Messages quote names that come from the user's files (tensor names, custom operator codes, file
paths), which may hold newlines or terminal escape sequences. ``str()`` of every
:class:`TinymlError` is therefore one line with such characters escaped (see :func:`one_line`):
the printers rely on it and print ``str(err)`` as it is.
"""
import re

# C0 controls, DEL, C1 controls (incl. NEL), the Unicode line and paragraph separators, and the
# bidirectional overrides and isolates, which reorder what a terminal shows ("Trojan Source").
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(m: "re.Match") -> str:
    c = m.group(0)
    if c in _NAMED:
        return _NAMED[c]
    return f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"


def one_line(text) -> str:
    """``text`` as one printable line: control characters escaped as Python writes them.

    >>> print(one_line("tensor 'a\\nb\\x1b[31m' is bad\\n"))
    tensor 'a\\nb\\x1b[31m' is bad
    >>> one_line("caf\\u00e9 \\u202eevil")
    'café \\\\u202eevil'
    """
    return _UNSAFE.sub(_escape, str(text).strip())


class TinymlError(Exception):
    """A problem with the user's model, options or environment (never a bug)."""

    def __str__(self) -> str:
        return one_line(super().__str__())


class UnsupportedError(TinymlError):
    """The model uses an operator, dtype or shape the converter cannot handle."""
