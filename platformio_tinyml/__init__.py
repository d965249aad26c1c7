"""platformio-tinyml: TensorFlow Lite models -> plain C for microcontrollers, at build time."""

__version__ = "0.1.0"

# convert / generate / inspect_model are loaded on first use: they need numpy, tflite, flatbuffers
# and jinja2, while `__version__` and `platformio_tinyml.requirements` (which the PlatformIO hook
# uses to install those packages) must import without them.
_API = ("convert", "generate", "inspect_model")


def __getattr__(name):
    if name in _API:
        from . import api
        return getattr(api, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_API))
