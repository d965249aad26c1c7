"""platformio-tinyml: TensorFlow Lite models -> plain C for microcontrollers, at build time."""

__version__ = "0.1.0"

from .api import convert, generate, inspect_model  # noqa: E402,F401
