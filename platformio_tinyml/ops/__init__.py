"""Operator lowerings: one module per family, each registering its op types.

Importing this package registers every supported operator with
:func:`platformio_tinyml.lower.register`.
"""
from . import fully_connected  # noqa: F401
from . import common  # noqa: F401
