# PlatformIO extra script of platformio-tinyml: converts the project's .tflite models to C at build time.
#
# Runs as the library's build.extraScript (library/library.json) or as `extra_scripts = pre:<this file>`.
# Kept thin: the work is in platformio_tinyml/pio.py. SCons provides Import, DefaultEnvironment and
# the exported `env` / `pio_lib_builder`; `__file__` is not defined here.
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

try:
    from platformio_tinyml import pio as _tinyml_pio
except ImportError as _e:
    sys.stderr.write("tinyml: error: cannot load the converter (%s); install it into PlatformIO's Python: "
                     "%s -m pip install platformio-tinyml\n" % (_e, sys.executable))
    env.Exit(1)  # noqa: F821

try:  # exported when this runs as the library's extraScript
    Import("pio_lib_builder")  # noqa: F821
    _lib_include_dirs = pio_lib_builder.get_include_dirs()  # noqa: F821
except Exception:  # a project `pre:` script: the converter knows where its library is
    _lib_include_dirs = None

_tinyml_pio.run_hook(env, DefaultEnvironment(), lib_include_dirs=_lib_include_dirs)  # noqa: F821
