"""Stand-ins for the four MLPerf Tiny reference models, for ``make bench`` (needs tensorflow-cpu).

    python benchmarks/make_standins.py          # writes benchmarks/models/mlperf_*.tflite

The reference models themselves are kept out of the repository (they stay an independent check); these
have the same architectures as MLPerf Tiny's training scripts build them, random weights (batch
normalisation with random statistics, folded by the converter as for the trained models) and full-integer
int8 quantization with per-channel weights, int8 input and output, as TensorFlow's converter makes it
from a representative dataset:

* ``mlperf_kws_dscnn``: keyword spotting DS-CNN, 49x10x1 MFCCs: CONV 10x4 stride 2 to 64 channels, four
  blocks of 3x3 DEPTHWISE + 1x1 CONV (64), AVERAGE_POOL 25x5, FULLY_CONNECTED 12, SOFTMAX.
* ``mlperf_vww_mobilenet``: visual wake words, MobileNetV1 alpha 0.25 on 96x96x3, 2 classes.
* ``mlperf_ic_resnet8``: image classification, ResNet-8 on 32x32x3 (CIFAR-10): 3x3 CONV 16, three
  residual stacks of 16/32/64 channels with ADD, AVERAGE_POOL 8x8, FULLY_CONNECTED 10, SOFTMAX.
* ``mlperf_ad_autoencoder``: anomaly detection FC autoencoder 640 -> 128 x4 -> 8 -> 128 x4 -> 640, every
  layer FULLY_CONNECTED (+ batch normalisation and ReLU but the last).

Which figure they are compared with (the published results, the goal) is in benchmarks/run.py.
"""
from __future__ import annotations

import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "models")


def _tf():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow
    return tensorflow


def _bn_random(model, rng) -> None:
    """Batch normalisation layers get random statistics (trained ones are not identity)."""
    for layer in model.layers:
        if layer.__class__.__name__ == "BatchNormalization":
            gamma, beta, mean, var = layer.get_weights()
            layer.set_weights([rng.uniform(0.5, 1.5, gamma.shape).astype(np.float32),
                               rng.uniform(-0.2, 0.2, beta.shape).astype(np.float32),
                               rng.uniform(-0.2, 0.2, mean.shape).astype(np.float32),
                               rng.uniform(0.5, 1.5, var.shape).astype(np.float32)])


def kws_dscnn(tf):
    L = tf.keras.layers
    x = inp = L.Input((49, 10, 1), batch_size=1)
    x = L.Conv2D(64, (10, 4), strides=(2, 2), padding="same", use_bias=False)(x)
    x = L.ReLU()(L.BatchNormalization()(x))
    for _ in range(4):
        x = L.DepthwiseConv2D((3, 3), padding="same", use_bias=False)(x)
        x = L.ReLU()(L.BatchNormalization()(x))
        x = L.Conv2D(64, (1, 1), use_bias=False)(x)
        x = L.ReLU()(L.BatchNormalization()(x))
    x = L.AveragePooling2D(pool_size=(25, 5))(x)
    x = L.Dense(12)(L.Flatten()(x))
    return tf.keras.Model(inp, L.Softmax()(x)), (1, 49, 10, 1)


def vww_mobilenet(tf):
    L = tf.keras.layers
    x = inp = L.Input((96, 96, 3), batch_size=1)

    def block(x, filters, stride):
        x = L.DepthwiseConv2D((3, 3), strides=stride, padding="same", use_bias=False)(x)
        x = L.ReLU()(L.BatchNormalization()(x))
        x = L.Conv2D(filters, (1, 1), use_bias=False)(x)
        return L.ReLU()(L.BatchNormalization()(x))

    x = L.Conv2D(8, (3, 3), strides=2, padding="same", use_bias=False)(x)
    x = L.ReLU()(L.BatchNormalization()(x))
    for filters, stride in [(16, 1), (32, 2), (32, 1), (64, 2), (64, 1), (128, 2), (128, 1), (128, 1),
                            (128, 1), (128, 1), (128, 1), (256, 2), (256, 1)]:
        x = block(x, filters, stride)
    x = L.AveragePooling2D(pool_size=(3, 3))(x)
    x = L.Dense(2)(L.Flatten()(x))
    return tf.keras.Model(inp, L.Softmax()(x)), (1, 96, 96, 3)


def ic_resnet8(tf):
    L = tf.keras.layers

    def conv(x, filters, stride=1, k=3):
        return L.Conv2D(filters, (k, k), strides=stride, padding="same")(x)

    x = inp = L.Input((32, 32, 3), batch_size=1)
    x = L.ReLU()(L.BatchNormalization()(conv(x, 16)))
    for filters, stride in [(16, 1), (32, 2), (64, 2)]:
        y = L.ReLU()(L.BatchNormalization()(conv(x, filters, stride)))
        y = L.BatchNormalization()(conv(y, filters))
        if stride != 1:
            x = conv(x, filters, stride, k=1)
        x = L.ReLU()(L.Add()([x, y]))
    x = L.AveragePooling2D(pool_size=(8, 8))(x)
    x = L.Dense(10)(L.Flatten()(x))
    return tf.keras.Model(inp, L.Softmax()(x)), (1, 32, 32, 3)


def ad_autoencoder(tf):
    L = tf.keras.layers
    x = inp = L.Input((640,), batch_size=1)
    for units in [128, 128, 128, 128, 8, 128, 128, 128, 128]:
        x = L.ReLU()(L.BatchNormalization()(L.Dense(units)(x)))
    return tf.keras.Model(inp, L.Dense(640)(x)), (1, 640)


MODELS = {"mlperf_kws_dscnn": kws_dscnn, "mlperf_vww_mobilenet": vww_mobilenet,
          "mlperf_ic_resnet8": ic_resnet8, "mlperf_ad_autoencoder": ad_autoencoder}


def convert(tf, model, shape, seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    conv = tf.lite.TFLiteConverter.from_keras_model(model)
    conv.optimizations = [tf.lite.Optimize.DEFAULT]
    conv.representative_dataset = lambda: ([rng.uniform(-1, 1, shape).astype(np.float32)] for _ in range(100))
    conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    conv.inference_input_type = tf.int8
    conv.inference_output_type = tf.int8
    return conv.convert()


def main(argv) -> int:
    tf = _tf()
    names = argv or list(MODELS)
    os.makedirs(OUT, exist_ok=True)
    for k, name in enumerate(names):
        tf.keras.utils.set_random_seed(1000 + k)
        model, shape = MODELS[name](tf)
        _bn_random(model, np.random.default_rng(2000 + k))
        data = convert(tf, model, shape, seed=k)
        with open(os.path.join(OUT, f"{name}.tflite"), "wb") as f:
            f.write(data)
        print(f"{name}.tflite  {len(data):,} bytes  (tensorflow {tf.__version__})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
