"""The converter's own Python packages: which are missing, and installing them where PlatformIO runs.

Standard library only: the PlatformIO hook imports this module before anything that needs numpy,
so that on first use it can install the packages into the Python that runs PlatformIO (as
PlatformIO's dev-platforms do for theirs) or, offline, say in one line how to install them.

``REQUIREMENTS`` is the one list of them. It lives here, not only in ``pyproject.toml``, because the
packed library (``tools/pack_library.py``) ships this package but no ``pyproject.toml``;
``tests/test_requirements.py`` checks that it equals ``[project].dependencies``.
"""
from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import os
import re
import subprocess
import sys

REQUIREMENTS = ("numpy", "tflite>=2.10", "flatbuffers", "jinja2>=3")
IMPORT_NAMES: dict = {}        # distribution -> module, where they differ (none today)
PIP_TIMEOUT = 900              # seconds for one `pip install` (numpy and tflite are downloads)
TOOL = "tinyml"

_SPEC = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(.*?)\s*$")
_CLAUSE = re.compile(r"\s*(>=|<=|==|!=|>|<)\s*([0-9][0-9A-Za-z.+!-]*)\s*$")


def parse(spec: str) -> tuple:
    """(name, [(operator, version), ...]) of a requirement such as ``tflite>=2.10``.

    >>> parse("tflite>=2.10")
    ('tflite', [('>=', '2.10')])
    >>> parse("numpy")
    ('numpy', [])
    >>> parse("jinja2 >=3, <4")
    ('jinja2', [('>=', '3'), ('<', '4')])
    """
    m = _SPEC.fullmatch(spec)
    if not m:
        raise ValueError(f"cannot read the requirement {spec!r}")
    name, rest = m.groups()
    clauses = []
    for part in filter(None, (p.strip() for p in rest.split(","))):
        c = _CLAUSE.fullmatch(part)
        if not c:
            raise ValueError(f"cannot read the version clause {part!r} of {spec!r}")
        clauses.append(c.groups())
    return name, clauses


def version_key(version: str) -> tuple:
    """The release numbers of a version, for comparing (pre-release/local suffixes are ignored).

    >>> version_key("2.18.0") > version_key("2.10") > version_key("2.9.1")
    True
    >>> version_key("3.0.0rc1") == version_key("3")
    True
    """
    m = re.match(r"\s*v?(\d+(?:\.\d+)*)", str(version))
    parts = [int(p) for p in m.group(1).split(".")] if m else [0]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def version_ok(version: str, clauses: list) -> bool:
    """Whether ``version`` satisfies every (operator, version) clause.

    >>> version_ok("3.1.4", [(">=", "3")]), version_ok("2.11.3", [(">=", "3")])
    (True, False)
    """
    have = version_key(version)
    ops = {">=": lambda a, b: a >= b, ">": lambda a, b: a > b, "<=": lambda a, b: a <= b,
           "<": lambda a, b: a < b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b}
    return all(ops[op](have, version_key(want)) for op, want in clauses)


def import_name(dist: str) -> str:
    """The module a distribution is imported as."""
    return IMPORT_NAMES.get(dist, dist.replace("-", "_").lower())


def module_found(name: str) -> bool:
    """Whether ``import name`` would find the module (without importing it)."""
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def installed_version(dist: str):
    """The installed version of a distribution, or None."""
    try:
        return importlib.metadata.version(dist)
    except Exception:  # PackageNotFoundError, or unreadable metadata
        return None


def missing(specs=REQUIREMENTS) -> list:
    """The requirements (as written in ``specs``) that are not importable, or too old."""
    out = []
    for spec in specs:
        name, clauses = parse(spec)
        if not module_found(import_name(name)):
            out.append(spec)
        elif clauses:
            have = installed_version(name)
            if have is None or not version_ok(have, clauses):
                out.append(spec)
    return out


def spec_for(module: str):
    """The requirement that provides the module ``module`` (or a submodule of it), or None.

    >>> spec_for("tflite.Model"), spec_for("yaml")
    ('tflite>=2.10', None)
    """
    top = (module or "").split(".")[0]
    for spec in REQUIREMENTS:
        if import_name(parse(spec)[0]) == top:
            return spec
    return None


def install_argv(specs, python=None) -> list:
    return [python or sys.executable, "-m", "pip", "install", "-q", *specs]


def install_command(specs, python=None) -> str:
    """The command a user can paste.

    >>> install_command(["numpy", "tflite>=2.10"], "/opt/pio/penv/bin/python")
    '/opt/pio/penv/bin/python -m pip install "numpy" "tflite>=2.10"'
    >>> install_command(["numpy"], "C:/Program Files/Python/python.exe")
    '"C:/Program Files/Python/python.exe" -m pip install "numpy"'
    """
    python = python or sys.executable
    exe = f'"{python}"' if re.search(r"\s", python) else python
    return f"{exe} -m pip install " + " ".join(f'"{s}"' for s in specs)


def missing_message(specs, python=None, reason: str = "") -> str:
    """One line: which packages are missing from which Python, and the command that installs them.

    >>> missing_message(["tflite>=2.10"], "/py")
    'the converter\\'s Python package tflite>=2.10 is missing from /py; install it with: /py -m pip install "tflite>=2.10"'
    """
    python = python or sys.executable
    many = len(specs) > 1
    it = "them" if many else "it"
    text = (f"the converter's Python package{'s' if many else ''} {', '.join(specs)} "
            f"{'are' if many else 'is'} missing from {python}")
    if reason:
        text += f" and could not be installed ({reason})"
    return f"{text}; install {it} with: {install_command(specs, python)}"


def import_error_message(err: ImportError, python=None):
    """The :func:`missing_message` for an ImportError caused by a missing requirement, else None."""
    need = missing()
    spec = spec_for(getattr(err, "name", None) or "")
    if spec is not None and spec not in need:
        need.append(spec)
    return missing_message(need, python) if need else None


def run_pip(argv: list, timeout: float = PIP_TIMEOUT) -> tuple:
    """Run pip; (True, "") when it succeeded, else (False, a one-line reason)."""
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1")
    try:
        res = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return False, f"pip did not finish within {timeout:g} s"
    except OSError as e:
        return False, f"cannot run {argv[0]}: {e.strerror or e}"
    if res.returncode == 0:
        return True, ""
    lines = [ln.strip() for ln in (res.stderr or res.stdout or "").splitlines() if ln.strip()]
    return False, (lines[-1] if lines else f"pip exited with code {res.returncode}")


def _stderr_line(line: str) -> None:
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def ensure(python=None, echo=print, error=_stderr_line, runner=None) -> bool:
    """Install the missing requirements into ``python`` (default: this Python) with pip.

    Prints nothing when all are there; else one line before installing, and when they are still
    missing afterwards (offline, no pip) one error line naming them and the command that installs
    them. True when every requirement can be imported now.
    """
    python = python or sys.executable
    need = missing()
    if not need:
        return True
    echo(f"{TOOL}: installing the converter's Python packages into {python}: {', '.join(need)}")
    ok, reason = (runner or run_pip)(install_argv(need, python))
    importlib.invalidate_caches()
    still = missing()
    if not still:
        return True
    if ok:
        reason = "pip succeeded, but this Python still cannot import them"
    error(f"{TOOL}: error: {missing_message(still, python, reason)}")
    return False
