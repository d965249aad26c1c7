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
from . import binary  # noqa: F401        SUB, DIV, MAXIMUM, MINIMUM, SQUARED_DIFFERENCE
from . import quantize  # noqa: F401      QUANTIZE, DEQUANTIZE
from . import shape  # noqa: F401         RESHAPE, SQUEEZE, CONCATENATION, STRIDED_SLICE, PAD
from . import reduce  # noqa: F401        MEAN, SUM, REDUCE_MAX, ARG_MAX, ARG_MIN
from . import resize  # noqa: F401        SPACE_TO_DEPTH, DEPTH_TO_SPACE, RESIZE_NEAREST_NEIGHBOR, RESIZE_BILINEAR
from . import lstm  # noqa: F401          UNIDIRECTIONAL_SEQUENCE_LSTM
from . import svdf  # noqa: F401          SVDF
from . import unary  # noqa: F401         EXP, LOG, SQRT, RSQRT, ABS, NEG, L2_NORMALIZATION
from . import cast  # noqa: F401          CAST
from . import signal_stream  # noqa: F401  SignalFramer, SignalStacker, SignalDelay, SignalOverlapAdd, SignalIrfft
from . import detection  # noqa: F401      TFLite_Detection_PostProcess
from . import movement  # noqa: F401      TRANSPOSE, PACK, UNPACK, SPLIT(_V), SLICE, EXPAND_DIMS, SHAPE, BROADCAST_TO, GATHER
from . import signal  # noqa: F401        Signal* custom operators (TFLM audio front end)
from . import pointwise  # noqa: F401     LEAKY_RELU, PRELU, HARD_SWISH, ELU, LOG_SOFTMAX
from . import transpose_conv  # noqa: F401 TRANSPOSE_CONV
from . import batch_matmul  # noqa: F401  BATCH_MATMUL
