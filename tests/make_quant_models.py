"""Regenerate tests/quant/: data for comparing our int8 quantizer with TensorFlow's (needs tensorflow).

    python tests/make_quant_models.py          # the trained and shared models (needs tf_keras too)
    python tests/make_quant_models.py ops      # the operator models (tensorflow only)
    python tests/make_quant_models.py ops NAME # one operator model

Run by hand, never by pytest; the tests only read the committed files. Everything is seeded,
so a rerun with the same library versions (recorded in tests/quant/VERSIONS.txt) gives the
same files.

For every model NAME it writes into tests/quant/:

- NAME_calib.npy      representative inputs, float16 (exactly the values both quantizers get),
                      shape [N, *model input shape]
- NAME_tf_int8.tflite TensorFlow's full-integer quantization: TFLiteConverter with
                      optimizations=[Optimize.DEFAULT], a representative_dataset yielding exactly
                      the samples of NAME_calib.npy in order, supported_ops=[TFLITE_BUILTINS_INT8]
                      and float32 inference input/output (QUANTIZE/DEQUANTIZE at the ends)
- NAME_tf_int16x8.tflite  the same with int16 activations and int8 weights (TensorFlow's 16x8 mode,
                      OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8); not for mnist_lstm
- NAME_float.tflite   the float conversion of the same Keras model (trained models only)

Models trained here on synthetic, learnable data (seeded, a few seconds each on a CPU, with
label smoothing so the logits stay moderate), exported from a copy with a fixed batch-1 input so
every shape is static:

- conv_net  [1,16,16,1] bars / squares / noise, 4 classes: Conv2D+BatchNorm(folded)+ReLU,
            MaxPool, Conv2D(relu), MaxPool, Flatten, Dense(4), Softmax
- dw_net    [1,16,16,3] smooth / striped / speckled colour textures, 3 classes: strided Conv2D,
            two DepthwiseConv2D + pointwise Conv2D pairs (relu6), AveragePooling2D, Dense(3), Softmax
- res_net   [1,12,12,2] five two-channel pattern types: Conv2D, two residual blocks
            (x + Conv(Conv(x)), Add, ReLU) with a MaxPool between, GlobalAveragePooling2D (MEAN),
            Dense(5) logits

The input distributions are numpy functions in tests/quant_data.py: the calibration samples are
committed (so both quantizers calibrate on the same values), and the test draws its held-aside
samples from the same functions with other seeds. The input sizes of dw_net and res_net are kept
small because the committed calibration files grow with them.

Operator models (``ops``; tests/quant_op_models.py, shapes and schemes in quant_data.OP_MODELS): small
float graphs with seeded random weights exercising the operators added to the quantizer (SUB, DIV,
MAXIMUM, MINIMUM, SQUARED_DIFFERENCE, ABS, RSQRT, EXP, LOG, SQRT, NEG, L2_NORMALIZATION, TRANSPOSE,
SLICE, SPLIT, SPLIT_V, PACK, UNPACK, BROADCAST_TO, GATHER, ARG_MAX, LEAKY_RELU, HARD_SWISH, PRELU,
ELU, LOG_SOFTMAX, resizes, SPACE_TO_DEPTH, DEPTH_TO_SPACE, SUM, REDUCE_MAX, TRANSPOSE_CONV,
BATCH_MATMUL) and one MobileNetV3-like model mixing several; inputs quant_data.blob_images.
For each: NAME_float.tflite, NAME_calib.npy (OPS_CALIB_N samples, seed OPS_SEED + 2000) and
NAME_tf_SCHEME.tflite for each scheme TensorFlow's converter quantizes it in.

Float models from the shared model folder (../shared/models beside the repository), not copied:
hello_world_float, magic_wand and mnist_lstm_float. TensorFlow's converter needs a Keras model,
so each is rebuilt in Keras with the architecture read from the .tflite and the weights loaded
from its tensors; the script asserts that the rebuilt model's float conversion gives the
original's outputs on the held-aside inputs within 1e-4. Their inputs:

- hello_world  x uniform in [0, 2 pi]
- magic_wand   synthetic 3-axis accelerometer traces: a few low-frequency sinusoids per axis
               plus gravity on a random axis and a little noise, at a scale where the float
               model's softmax is not saturated
- mnist_lstm   scikit-learn's bundled 8x8 digits (pip install scikit-learn; saved once as
               tests/quant/digits8x8.npz), upscaled bilinearly to 20x20, centred in 28x28, in [0, 1]
"""
from __future__ import annotations

import os
import sys
import warnings

import numpy as np

from quant_data import (DIGITS, conv_net_data, dw_net_data, hello_world_data, magic_wand_data, mnist_digits,
                        mnist_split, res_net_data)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)
OUT = os.path.join(HERE, "quant")
SHARED_MODELS = os.path.join(os.path.dirname(ROOT), "shared", "models")

CALIB_N, TEST_N = 200, 100             # per model; the test draws its own, larger held-aside sets
HELLO_CALIB_N, HELLO_TEST_N = 200, 300
# calibration seeds (trained models: their training seed + 2000); the accuracy test draws its
# held-aside data with other seeds
SEEDS = dict(hello_world=21, magic_wand=31)


def as_stored(calib: np.ndarray) -> np.ndarray:
    """Calibration samples are committed as float16 (half the bytes); both quantizers get exactly
    the float32 values of those float16 numbers."""
    return calib.astype(np.float16).astype(np.float32)
MATCH_ATOL = 1e-4

TRAINED_OPS = {"CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "MAX_POOL_2D", "AVERAGE_POOL_2D",
               "MEAN", "ADD", "RELU", "RELU6", "SOFTMAX", "RESHAPE"}
INT8_EXTRA_OPS = {"QUANTIZE", "DEQUANTIZE"}


# ----------------------------------------------------------------------------- TensorFlow helpers

def tf():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow
    return tensorflow


def keras():
    """The Keras 2 package: its LSTM layer converts to the fused UNIDIRECTIONAL_SEQUENCE_LSTM."""
    tf()
    import tf_keras
    return tf_keras


def seed_everything(seed: int) -> None:
    keras().utils.set_random_seed(seed)


def to_float(model) -> bytes:
    return tf().lite.TFLiteConverter.from_keras_model(model).convert()


def to_tf_int8(model, calib: np.ndarray, int16x8: bool = False) -> bytes:
    """TensorFlow's full-integer quantization (int16 activations and int8 weights with int16x8)."""
    tfm = tf()
    conv = tfm.lite.TFLiteConverter.from_keras_model(model)

    def representative():
        for x in calib:
            yield [x]

    conv.optimizations = [tfm.lite.Optimize.DEFAULT]
    conv.representative_dataset = representative
    conv.target_spec.supported_ops = [tfm.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8
                                      if int16x8 else tfm.lite.OpsSet.TFLITE_BUILTINS_INT8]
    return conv.convert()


def run_tflite(model: bytes | str, xs: np.ndarray) -> np.ndarray:
    """Outputs [N, -1] of a .tflite (bytes or path), a fresh interpreter per sample."""
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:            # TensorFlow's own copy of the interpreter
        Interpreter = tf().lite.Interpreter
    kw = {"model_path": model} if isinstance(model, str) else {"model_content": model}
    out = []
    for x in xs:
        ip = Interpreter(**kw)
        ip.allocate_tensors()
        ip.set_tensor(ip.get_input_details()[0]["index"], x)
        ip.invoke()
        out.append(ip.get_tensor(ip.get_output_details()[0]["index"]).reshape(-1).copy())
    return np.stack(out)


def op_types(model: bytes | str) -> list:
    from platformio_tinyml.read.reader import read_model
    if isinstance(model, str):
        return [op.type for op in read_model(model).ops]
    return [op.type for op in read_model("model.tflite", data=model).ops]


def write(name: str, data) -> None:
    path = os.path.join(OUT, name)
    if isinstance(data, np.ndarray):
        assert data.dtype == np.float16   # calibration samples, see as_stored()
        np.save(path, data)
    else:
        with open(path, "wb") as f:
            f.write(data)
    extra = f"  ops: {' '.join(op_types(data))}" if name.endswith(".tflite") else f"  {list(data.shape)}"
    print(f"  wrote {name} ({os.path.getsize(path)} bytes){extra}")


def accuracy(probs: np.ndarray, labels: np.ndarray) -> float:
    return float(np.mean(probs.argmax(1) == labels))


# ----------------------------------------------------------------------------- synthetic data

# ----------------------------------------------------------------------------- trained models

def conv_net(batch_size):
    k = keras()
    inp = k.Input((16, 16, 1), batch_size=batch_size)
    x = k.layers.Conv2D(8, 3, padding="same", use_bias=False)(inp)
    x = k.layers.BatchNormalization()(x)
    x = k.layers.ReLU()(x)
    x = k.layers.MaxPooling2D()(x)
    x = k.layers.Conv2D(16, 3, activation="relu")(x)
    x = k.layers.MaxPooling2D()(x)
    x = k.layers.Flatten()(x)
    x = k.layers.Dense(4)(x)
    return k.Model(inp, k.layers.Softmax()(x))


def dw_net(batch_size):
    k = keras()
    inp = k.Input((16, 16, 3), batch_size=batch_size)
    x = k.layers.Conv2D(8, 3, strides=2, padding="same", activation="relu6")(inp)
    x = k.layers.DepthwiseConv2D(3, padding="same", activation="relu6")(x)
    x = k.layers.Conv2D(16, 1, activation="relu6")(x)
    x = k.layers.DepthwiseConv2D(3, strides=2, padding="same", activation="relu6")(x)
    x = k.layers.Conv2D(16, 1, activation="relu6")(x)
    x = k.layers.AveragePooling2D(2)(x)
    x = k.layers.Flatten()(x)
    x = k.layers.Dense(3)(x)
    return k.Model(inp, k.layers.Softmax()(x))


def res_net(batch_size):
    k = keras()

    def block(x):
        y = k.layers.Conv2D(8, 3, padding="same", activation="relu")(x)
        y = k.layers.Conv2D(8, 3, padding="same")(y)
        return k.layers.ReLU()(k.layers.Add()([x, y]))

    inp = k.Input((12, 12, 2), batch_size=batch_size)
    x = k.layers.Conv2D(8, 3, padding="same", activation="relu")(inp)
    x = block(x)
    x = k.layers.MaxPooling2D()(x)
    x = block(x)
    x = k.layers.GlobalAveragePooling2D()(x)
    return k.Model(inp, k.layers.Dense(5)(x))


TRAINED = {  # name: (builder, data, number of classes, outputs are logits, seed, epochs)
    "conv_net": (conv_net, conv_net_data, 4, False, 11, 8),
    "dw_net": (dw_net, dw_net_data, 3, False, 12, 10),
    "res_net": (res_net, res_net_data, 5, True, 13, 10),
}


def make_trained(name: str) -> None:
    build, data, classes, logits, seed, epochs = TRAINED[name]
    k = keras()
    seed_everything(seed)
    x_train, y_train = data(3000, seed)
    x_val, y_val = data(500, seed + 1000)
    calib = as_stored(data(CALIB_N, seed + 2000)[0])
    test, y_test = data(TEST_N, seed + 3000)
    model = build(None)
    # label smoothing keeps the logits moderate (unbounded logits make int8 output scales coarse)
    model.compile(optimizer=k.optimizers.Adam(0.003),
                  loss=k.losses.CategoricalCrossentropy(from_logits=logits, label_smoothing=0.1),
                  metrics=["accuracy"])
    onehot = np.eye(classes, dtype=np.float32)
    hist = model.fit(x_train[:, 0], onehot[y_train], batch_size=32, epochs=epochs, verbose=0,
                     validation_data=(x_val[:, 0], onehot[y_val]))
    export = build(1)
    export.set_weights(model.get_weights())
    f32 = to_float(export)
    int8 = to_tf_int8(export, calib)
    check_ops(name, f32, TRAINED_OPS)
    check_ops(name, int8, TRAINED_OPS | INT8_EXTRA_OPS)
    float_acc = accuracy(run_tflite(f32, test), y_test)
    int8_acc = accuracy(run_tflite(int8, test), y_test)
    print(f"{name}: train accuracy {hist.history['accuracy'][-1]:.3f}, validation "
          f"{hist.history['val_accuracy'][-1]:.3f}, float .tflite on test {float_acc:.3f}, "
          f"TF int8 on test {int8_acc:.3f}")
    write(f"{name}_calib.npy", calib.astype(np.float16))
    write(f"{name}_float.tflite", f32)
    write(f"{name}_tf_int8.tflite", int8)
    write(f"{name}_tf_int16x8.tflite", to_tf_int8(export, calib, int16x8=True))


def check_ops(name: str, model: bytes, allowed: set) -> None:
    bad = sorted(set(op_types(model)) - allowed)
    assert not bad, f"{name}: unexpected ops {bad}"


# ----------------------------------------------------------------------------- shared models rebuilt

def _weights(g, op, i) -> np.ndarray:
    return np.asarray(g.tensors[op.inputs[i]].data, np.float32)


def _fc(g, op):
    """A Dense layer's [kernel, bias] from a FULLY_CONNECTED op (TFLite weights are [units, depth])."""
    return [_weights(g, op, 1).T, _weights(g, op, 2)]


def rebuild_hello_world(g):
    k = keras()
    acts = {0: None, 1: "relu"}
    inp = k.Input((1,), batch_size=1)
    x, layers = inp, []
    for op in g.ops:
        assert op.type == "FULLY_CONNECTED"
        layer = k.layers.Dense(_weights(g, op, 1).shape[0], activation=acts[op.options["fused_activation_function"]])
        x = layer(x)
        layers.append((layer, _fc(g, op)))
    model = k.Model(inp, x)
    for layer, w in layers:
        layer.set_weights(w)
    return model


def rebuild_magic_wand(g):
    k = keras()
    types = [op.type for op in g.ops]
    assert types == ["DEPTHWISE_CONV_2D", "MAX_POOL_2D", "CONV_2D", "MAX_POOL_2D", "FULLY_CONNECTED",
                     "FULLY_CONNECTED", "SOFTMAX"], types
    pad = {0: "same", 1: "valid"}
    act = {0: None, 1: "relu"}
    dw, p1, cv, p2, fc1, fc2, _ = g.ops
    o = dw.options
    dw_w = _weights(g, dw, 1)                                        # [1, h, w, c*mult]
    inp = k.Input((128, 3, 1), batch_size=1)
    l_dw = k.layers.DepthwiseConv2D(dw_w.shape[1:3], strides=(o["stride_h"], o["stride_w"]),
                                    padding=pad[o["padding"]], depth_multiplier=o["depth_multiplier"],
                                    activation=act[o["fused_activation_function"]])
    x = l_dw(inp)

    def pool(x, op):
        o = op.options
        assert o["fused_activation_function"] == 0
        return k.layers.MaxPooling2D((o["filter_height"], o["filter_width"]), (o["stride_h"], o["stride_w"]),
                                     padding=pad[o["padding"]])(x)

    x = pool(x, p1)
    o = cv.options
    cv_w = _weights(g, cv, 1)                                        # [out, h, w, in]
    l_cv = k.layers.Conv2D(cv_w.shape[0], cv_w.shape[1:3], strides=(o["stride_h"], o["stride_w"]),
                           padding=pad[o["padding"]], activation=act[o["fused_activation_function"]])
    x = l_cv(x)
    x = pool(x, p2)
    x = k.layers.Flatten()(x)
    l_fc1 = k.layers.Dense(_weights(g, fc1, 1).shape[0], activation=act[fc1.options["fused_activation_function"]])
    l_fc2 = k.layers.Dense(_weights(g, fc2, 1).shape[0], activation=act[fc2.options["fused_activation_function"]])
    x = k.layers.Softmax()(l_fc2(l_fc1(x)))
    model = k.Model(inp, x)
    c_in = g.tensors[dw.inputs[0]].shape[3]
    l_dw.set_weights([dw_w.reshape(dw_w.shape[1], dw_w.shape[2], c_in, -1), _weights(g, dw, 2)])
    l_cv.set_weights([cv_w.transpose(1, 2, 3, 0), _weights(g, cv, 2)])
    l_fc1.set_weights(_fc(g, fc1))
    l_fc2.set_weights(_fc(g, fc2))
    return model


def rebuild_mnist_lstm(g):
    k = keras()
    types = [op.type for op in g.ops]
    assert types == ["UNIDIRECTIONAL_SEQUENCE_LSTM", "RESHAPE", "FULLY_CONNECTED", "SOFTMAX"], types
    lstm, _, fc, _ = g.ops
    assert lstm.options["fused_activation_function"] == 4 and not lstm.options["time_major"]  # tanh
    for i in (9, 10, 11, 16, 17):                                    # no peepholes, no projection
        assert lstm.inputs[i] < 0
    units = _weights(g, lstm, 1).shape[0]
    kernel = np.concatenate([_weights(g, lstm, i).T for i in (1, 2, 3, 4)], axis=1)      # gates i f c o
    recurrent = np.concatenate([_weights(g, lstm, i).T for i in (5, 6, 7, 8)], axis=1)
    bias = np.concatenate([_weights(g, lstm, i) for i in (12, 13, 14, 15)])
    shape = g.tensors[g.inputs[0]].shape
    inp = k.Input(tuple(shape[1:]), batch_size=1)
    l_lstm = k.layers.LSTM(units, return_sequences=True, unroll=False)
    l_fc = k.layers.Dense(_weights(g, fc, 1).shape[0])
    x = k.layers.Softmax()(l_fc(k.layers.Flatten()(l_lstm(inp))))
    model = k.Model(inp, x)
    l_lstm.set_weights([kernel, recurrent, bias])
    l_fc.set_weights(_fc(g, fc))
    return model


def make_shared(name: str, file: str, rebuild, calib: np.ndarray, test: np.ndarray):
    """Rebuild, check against the original, write the data and TF's int8 model; float outputs on test."""
    from platformio_tinyml.read.reader import read_model
    path = os.path.join(SHARED_MODELS, file)
    g = read_model(path)
    seed_everything(0)
    model = rebuild(g)
    f32 = to_float(model)
    same = [t for t in op_types(f32) if t != "RESHAPE"] == [t for t in op_types(path) if t != "RESHAPE"]
    assert same, (name, op_types(f32), op_types(path))   # Flatten may add a RESHAPE before an FC
    ref = run_tflite(path, test)
    diff = float(np.abs(run_tflite(f32, test) - ref).max())
    print(f"{name}: rebuilt Keras model vs {file}: max abs diff {diff:.3g} on {len(test)} test inputs")
    assert diff <= MATCH_ATOL, f"{name}: the rebuilt model does not match {file} (max abs diff {diff})"
    int8 = to_tf_int8(model, calib)
    print(f"  original {file} ops: {' '.join(op_types(path))}")
    write(f"{name}_calib.npy", calib.astype(np.float16))
    write(f"{name}_tf_int8.tflite", int8)
    if name != "mnist_lstm":   # int16x8 LSTMs are not part of the comparison (our quantizer refuses them)
        write(f"{name}_tf_int16x8.tflite", to_tf_int8(model, calib, int16x8=True))
    return ref, run_tflite(int8, test)


def make_hello_world() -> None:
    calib = as_stored(hello_world_data(HELLO_CALIB_N, SEEDS["hello_world"]))
    test = hello_world_data(HELLO_TEST_N, 22)
    ref, q = make_shared("hello_world", "hello_world_float.tflite", rebuild_hello_world, calib, test)
    x = test.reshape(-1)
    print(f"  float model RMS vs sin(x) {np.sqrt(np.mean((ref[:, 0] - np.sin(x)) ** 2)):.4f}, "
          f"TF int8 RMS vs float {np.sqrt(np.mean((q - ref) ** 2)):.4f}")


def make_magic_wand() -> None:
    calib, test = as_stored(magic_wand_data(CALIB_N, SEEDS["magic_wand"])), magic_wand_data(TEST_N, 32)
    ref, q = make_shared("magic_wand", "magic_wand.tflite", rebuild_magic_wand, calib, test)
    print(f"  float model classes on test {np.bincount(ref.argmax(1), minlength=4).tolist()}, "
          f"mean top probability {ref.max(1).mean():.3f}; TF int8 top-1 agreement "
          f"{np.mean(q.argmax(1) == ref.argmax(1)):.3f}")


def make_mnist_lstm() -> None:
    if not os.path.exists(DIGITS):   # scikit-learn ships the 8x8 digits; kept here so tests need no sklearn
        from sklearn.datasets import load_digits
        d = load_digits()
        np.savez_compressed(DIGITS, images=d.images.astype(np.uint8), labels=d.target.astype(np.uint8))
    xs, labels = mnist_digits()
    ci, ti = mnist_split(CALIB_N)
    ti = ti[:TEST_N]
    ref, q = make_shared("mnist_lstm", "mnist_lstm_float.tflite", rebuild_mnist_lstm, as_stored(xs[ci]), xs[ti])
    print(f"  float model accuracy on the test digits {accuracy(ref, labels[ti]):.3f}, TF int8 "
          f"{accuracy(q, labels[ti]):.3f}; top-1 agreement {np.mean(q.argmax(1) == ref.argmax(1)):.3f}")


# ----------------------------------------------------------------------------- main

def write_versions(ops_only: bool = False) -> None:
    """VERSIONS.txt: one line per file. A run of ``ops`` alone keeps the other files' header line."""
    tfm = tf()
    path = os.path.join(OUT, "VERSIONS.txt")
    old = open(path).read().splitlines() if os.path.exists(path) else []
    if ops_only:
        lines = [h for h in old if h.startswith("#") and not h.startswith("# operator models")]
    else:
        import sklearn
        k = keras()
        lines = ["# tests/quant (regenerate with: python tests/make_quant_models.py)",
                 f"# tensorflow {tfm.__version__}, tf_keras {k.__version__}, numpy {np.__version__}, "
                 f"scikit-learn {sklearn.__version__}"]
    lines.append(f"# operator models (python tests/make_quant_models.py ops): tensorflow {tfm.__version__}, "
                 f"numpy {np.__version__}")
    for f in sorted(os.listdir(OUT)):
        if f == "VERSIONS.txt":
            continue
        path = os.path.join(OUT, f)
        if f.endswith(".npy"):
            a = np.load(path)
            what = f"{a.dtype} {list(a.shape)}"
        elif f.endswith("_tf_int8.tflite"):
            what = f"TFLiteConverter int8 (float I/O), tensorflow {tfm.__version__}"
        elif f.endswith("_tf_int16x8.tflite"):
            what = f"TFLiteConverter int16x8 (float I/O), tensorflow {tfm.__version__}"
        elif f.endswith(".npz"):
            what = "scikit-learn's 8x8 digits (images 0..16, labels)"
        else:
            what = f"TFLiteConverter float, tensorflow {tfm.__version__}"
        lines.append(f"{f} {what}")
    with open(os.path.join(OUT, "VERSIONS.txt"), "w") as fh:
        fh.write("\n".join(lines) + "\n")


OPS_CALIB_N = 128
OPS_SEED = 500      # weights: OPS_SEED + k for the k-th model; calibration inputs OPS_SEED + 2000 + k


def tf_quantize_function(fn, calib: np.ndarray, int16x8: bool = False) -> bytes:
    """TensorFlow's full-integer quantization of a tf.function (float I/O), calibrated on ``calib``."""
    tfm = tf()
    conv = tfm.lite.TFLiteConverter.from_concrete_functions([fn.get_concrete_function()], fn)

    def representative():
        for x in calib:
            yield [x]

    conv.optimizations = [tfm.lite.Optimize.DEFAULT]
    conv.representative_dataset = representative
    conv.target_spec.supported_ops = [tfm.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8
                                      if int16x8 else tfm.lite.OpsSet.TFLITE_BUILTINS_INT8]
    return conv.convert()


def make_op_model(name: str) -> None:
    from quant_data import OP_MODELS, op_model_data
    from quant_op_models import concrete
    k = list(OP_MODELS).index(name)
    tfm = tf()
    fn, cf = concrete(name, OPS_SEED + k)
    f32 = tfm.lite.TFLiteConverter.from_concrete_functions([cf], fn).convert()
    calib = as_stored(op_model_data(name, OPS_CALIB_N, OPS_SEED + 2000 + k))
    test = op_model_data(name, 50, OPS_SEED + 3000 + k)
    ref = run_tflite(f32, test)
    print(f"{name}: float ops {' '.join(op_types(f32))}; output range [{ref.min():.3g}, {ref.max():.3g}]")
    write(f"{name}_calib.npy", calib.astype(np.float16))
    write(f"{name}_float.tflite", f32)
    for scheme in OP_MODELS[name][1]:
        q = tf_quantize_function(fn, calib, int16x8=scheme == "int16x8")
        try:
            err = float(np.sqrt(np.mean((run_tflite(q, test).astype(np.float64) - ref) ** 2)))
            print(f"  TF {scheme}: RMS error vs float {err:.4g} on {len(test)} test inputs")
        except RuntimeError as e:     # TensorFlow's interpreter lacks a few int16 kernels TFLM has
            print(f"  TF {scheme}: not run here ({str(e).splitlines()[0][:80]})")
        write(f"{name}_tf_{scheme}.tflite", q)


def main() -> int:
    tfm = tf()
    tfm.get_logger().setLevel("ERROR")
    warnings.filterwarnings("ignore", message="Statistics for quantized inputs")
    tfm.config.experimental.enable_op_determinism()
    os.makedirs(OUT, exist_ok=True)
    if sys.argv[1:2] == ["ops"]:
        from quant_data import OP_MODELS
        for name in sys.argv[2:] or OP_MODELS:
            make_op_model(name)
        write_versions(ops_only=True)
        return 0
    for name in TRAINED:
        make_trained(name)
    make_hello_world()
    make_magic_wand()
    make_mnist_lstm()
    write_versions()
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"tests/quant: {len(os.listdir(OUT))} files, {total} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
