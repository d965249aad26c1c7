"""Operator lowerings: one module per family, each registering its op types.

Importing this package registers every supported operator with
:func:`platformio_tinyml.lower.register`.
"""
from . import common  # noqa: F401
from . import fully_connected  # noqa: F401
from . import conv  # noqa: F401
from . import pool  # noqa: F401
from . import activations  # noqa: F401
from . import elementwise  # noqa: F401
from . import quantize  # noqa: F401
from . import shape  # noqa: F401
from . import reduce  # noqa: F401
from . import svdf  # noqa: F401
