"""Operator lowerings: one module per family, each registering its op types.

Importing this package registers every supported operator with
:func:`platformio_tinyml.lower.registry.register`.
"""
from . import common  # noqa: F401
from . import fully_connected  # noqa: F401
from . import conv  # noqa: F401          CONV_2D, DEPTHWISE_CONV_2D
from . import pool  # noqa: F401          AVERAGE_POOL_2D, MAX_POOL_2D
from . import activations  # noqa: F401   SOFTMAX, LOGISTIC, TANH, RELU, RELU6
from . import elementwise  # noqa: F401   ADD, MUL
from . import quantize  # noqa: F401      QUANTIZE, DEQUANTIZE
from . import shape  # noqa: F401         RESHAPE, SQUEEZE, CONCATENATION, STRIDED_SLICE, PAD
from . import reduce  # noqa: F401        MEAN
from . import lstm  # noqa: F401          UNIDIRECTIONAL_SEQUENCE_LSTM
from . import svdf  # noqa: F401          SVDF
from . import transpose_conv  # noqa: F401 TRANSPOSE_CONV
from . import batch_matmul  # noqa: F401  BATCH_MATMUL
