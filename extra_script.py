# PlatformIO extra script of platformio-tinyml: converts the project's .tflite models to C at build time.
#
# Runs as the library's build.extraScript (library/library.json) or as `extra_scripts = pre:<this file>`.
# Kept thin: the work is in platformio_tinyml/requirements.py (the converter's Python packages) and
# platformio_tinyml/pio.py. SCons provides Import, DefaultEnvironment and the exported `env` /
# `pio_lib_builder`; `__file__` is not defined here.
import inspect
import os
import sys

Import("env")  # noqa: F821


def _script_dir():
    path = inspect.getframeinfo(inspect.currentframe()).filename
    return os.path.dirname(os.path.abspath(path))


_here = _script_dir()
if os.path.isfile(os.path.join(_here, "platformio_tinyml", "pio.py")) and _here not in sys.path:
    sys.path.insert(0, _here)  # the converter that ships beside this script matches its library

try:  # standard library only: works before the converter's packages (numpy, tflite ...) are there
    from platformio_tinyml import requirements as _tinyml_requirements
except ImportError as _e:
    sys.stderr.write("tinyml: error: cannot load the converter (%s); the platformio_tinyml folder must be "
                     "beside %s, as in the packed library and the repository\n" % (_e, _here))
    env.Exit(1)  # noqa: F821

# on first use, pip-installs the converter's packages into PlatformIO's Python (one line), or stops
if not _tinyml_requirements.ensure(sys.executable):
    env.Exit(1)  # noqa: F821

from platformio_tinyml import pio as _tinyml_pio  # noqa: E402

try:  # exported when this runs as the library's extraScript
    Import("pio_lib_builder")  # noqa: F821
    _lib_include_dirs = pio_lib_builder.get_include_dirs()  # noqa: F821
except Exception:  # a project `pre:` script: the converter knows where its library is
    _lib_include_dirs = None

_tinyml_pio.run_hook(env, DefaultEnvironment(), lib_include_dirs=_lib_include_dirs)  # noqa: F821
