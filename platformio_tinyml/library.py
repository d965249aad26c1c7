"""Where the kernel library is: the one path every stage and target may need (no other imports, so that
any module can import it without an import circle)."""
from __future__ import annotations

import os
from pathlib import Path

from .errors import TinymlError


def library_dir() -> Path:
    """The kernel library (``library/``) that generated code compiles with."""
    env = os.environ.get("TINYML_LIBRARY")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent
    for cand in (here / "library", here.parent / "library"):
        if (cand / "src" / "tinyml.h").is_file():
            return cand
    raise TinymlError("cannot find the kernel library (library/src/tinyml.h); set TINYML_LIBRARY")
