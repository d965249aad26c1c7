"""Make the real sample inputs of the micro_speech and person_detection examples.

What it does
------------
Regenerates, from scratch and deterministically, the model inputs that the two
example firmwares feed to their models, and records what TensorFlow Lite Micro
(the reference interpreter) predicts for each of them:

* micro_speech: the words "yes", "no" and "tree" (a word the model does not
  know, so "unknown") are spoken by the espeak-ng synthesiser, resampled to
  16 kHz mono int16, trimmed and centred in a 1-second clip; a fourth clip is
  "silence" (very low, seeded uniform noise, +-64 LSB, about -54 dBFS).
  Each clip is turned into the 49x40 int8 spectrogram exactly the way TFLM's
  micro_speech example does it (tensorflow/lite/micro/examples/micro_speech/
  micro_speech_test.cc and evaluate.py): 30 ms frames (480 samples) taken
  every 20 ms (320 samples), 49 frames, each frame fed in order through
  audio_preprocessor_int8.tflite in ONE fresh TFLM interpreter per clip (the
  preprocessor keeps noise-reduction / PCAN state from frame to frame).
  The 49x40 features, flattened to (1, 1960), are the input of
  micro_speech_quantized.tflite.
* person_detection: a photograph with a person (scikit-image's bundled
  "astronaut", Eileen Collins) and one without ("coffee", a coffee cup) are
  converted to grayscale (integer ITU-R BT.601 luma), cropped to a centred
  square, resized to 96x96 with Pillow's BOX (area-average) filter and mapped
  to int8 as p - 128 (the model's input scale is 1/127.5, zero point -1, so
  that is the usual [-1, 1] normalisation).

Outputs (paths relative to the repository root)
-----------------------------------------------
* examples/micro_speech/data/{yes,no,silence,unknown}.npy   int8, (1, 1960)
* examples/person_detection/data/{person,no_person}.npy     int8, (1, 96, 96, 1)
* examples/micro_speech/src/samples.h
* examples/micro_speech/src/audio_clips.h (the 1 s PCM clips the features come from)
* examples/person_detection/src/samples.h
  Each header holds SAMPLE_COUNT, sample_names[], sample_inputs[][N] (plain
  decimal, 16 values a line), sample_expected[] (the argmax that TFLM's
  interpreter gives for that input, so a firmware can print whether it agrees)
  and label_names[].
A short report of the TFLM output scores of every sample is printed.

Running the script twice gives byte-identical files (with the same versions of
espeak-ng and the Python packages: a different espeak-ng release may say the
words slightly differently).

Inputs
------
* Models (read-only), by default <repo>/../shared/models (override with
  --models): micro_speech_quantized.tflite, audio_preprocessor_int8.tflite,
  person_detect.tflite (all from tensorflow/tflite-micro, Apache-2.0).
* espeak-ng on PATH (Debian: apt-get install espeak-ng), voice "en-us",
  140 words a minute, amplitude 100, pitch 50.
* scikit-image's images bundled in its wheel (skimage/data/astronaut.png and
  coffee.png; nothing is downloaded at run time).

Dependencies
------------
Python: numpy, scipy (resample_poly, to go from espeak-ng's 22050 Hz to
16 kHz), tflite_micro (the TFLM Python interpreter, which also provides the
Signal custom ops of the audio preprocessor), scikit-image and pillow.
System: espeak-ng. This is a developer tool; the tests do not run it.

Licence and attribution of the sample data
------------------------------------------
* Speech: synthesised by espeak-ng (GPL-3.0-or-later program). Audio that a
  program produces from our own text is not a derivative of the program; no
  recording of a person is used.
* astronaut.png: NASA photograph of astronaut Eileen Collins, from the NASA
  Great Images database; "no known copyright restrictions, released into the
  public domain" (scikit-image's skimage.data.astronaut documentation).
* coffee.png: photograph by Rachel Michetti, courtesy of Pikolo Espresso Bar;
  "No copyright restrictions. CC0 by the photographer"
  (skimage.data.coffee documentation).
* scikit-image itself is BSD-3-Clause; the models are Apache-2.0.

Usage
-----
    python tools/make_example_inputs.py [--models DIR] [--root REPO_ROOT]
"""
import argparse
import io
import os
import subprocess
import sys
import wave

import numpy as np

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_MODELS = os.path.join(os.path.dirname(REPO_ROOT), "shared", "models")
SCRIPT = "tools/make_example_inputs.py"

# ---------------------------------------------------------------------------
# micro_speech settings (TFLM micro_speech example: micro_model_settings.h)
# ---------------------------------------------------------------------------
SAMPLE_RATE = 16000          # Hz
CLIP_SAMPLES = SAMPLE_RATE   # 1 second
FRAME_SAMPLES = 480          # 30 ms window of the audio preprocessor
STRIDE_SAMPLES = 320         # 20 ms stride
FRAME_COUNT = 49             # (16000 - 480) // 320 + 1
FEATURE_SIZE = 40
SPEECH_LABELS = ["silence", "unknown", "yes", "no"]

# espeak-ng voice settings: the defaults of espeak-ng except a slightly slow
# speaking rate, so that a whole word is well inside the 1-second window.
ESPEAK_VOICE = "en-us"
ESPEAK_SPEED = 140           # words per minute
ESPEAK_AMPLITUDE = 100       # 0..200, espeak-ng's default is 100
ESPEAK_PITCH = 50            # 0..99, espeak-ng's default is 50

# (file / sample name, word spoken or None for silence, intended label)
SPEECH_SAMPLES = [
    ("yes", "yes", "yes"),
    ("no", "no", "no"),
    ("silence", None, "silence"),
    ("unknown", "tree", "unknown"),
]
SILENCE_NOISE_PEAK = 64      # +-64 LSB of int16 (about -54 dBFS)
SILENCE_SEED = 0

# ---------------------------------------------------------------------------
# person_detection settings
# ---------------------------------------------------------------------------
IMAGE_SIZE = 96
PERSON_LABELS = ["no person", "person"]
# (file / sample name, skimage.data image, intended label)
PERSON_SAMPLES = [
    ("person", "astronaut", "person"),
    ("no_person", "coffee", "no person"),
]


# ===========================================================================
# micro_speech
# ===========================================================================
def espeak_version() -> str:
    out = subprocess.run(["espeak-ng", "--version"], check=True,
                         capture_output=True, text=True).stdout
    # "eSpeak NG text-to-speech: 1.51  Data at: ..." -> "1.51"
    return out.split(":", 1)[1].split()[0] if ":" in out else out.strip()


def synthesise(word: str) -> np.ndarray:
    """Speak `word` with espeak-ng; return float64 samples at 16 kHz."""
    from scipy.signal import resample_poly

    wav_bytes = subprocess.run(
        ["espeak-ng", "--stdout", "-v", ESPEAK_VOICE, "-s", str(ESPEAK_SPEED),
         "-a", str(ESPEAK_AMPLITUDE), "-p", str(ESPEAK_PITCH), word],
        check=True, capture_output=True).stdout
    with wave.open(io.BytesIO(wav_bytes)) as w:
        if w.getnchannels() != 1 or w.getsampwidth() != 2:
            raise RuntimeError("espeak-ng did not write 16-bit mono audio")
        rate = w.getframerate()
        pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    # Polyphase resampling by the exact rational ratio (22050 -> 16000 is
    # 320/441); a plain FIR, so the result is deterministic.
    g = np.gcd(SAMPLE_RATE, rate)
    return resample_poly(pcm.astype(np.float64), SAMPLE_RATE // g, rate // g)


def centre_in_clip(audio: np.ndarray) -> np.ndarray:
    """Trim leading/trailing quiet (< 2 % of the peak), centre in 1 s, int16."""
    mag = np.abs(audio)
    loud = np.nonzero(mag > 0.02 * mag.max())[0]
    word = audio[loud[0]:loud[-1] + 1][:CLIP_SAMPLES]
    clip = np.zeros(CLIP_SAMPLES, dtype=np.float64)
    start = (CLIP_SAMPLES - len(word)) // 2
    clip[start:start + len(word)] = word
    return np.clip(np.round(clip), -32768, 32767).astype(np.int16)


def silence_clip() -> np.ndarray:
    """Very low uniform integer noise in [-64, 64], from a seeded PCG64.

    Only the raw bit stream of PCG64 is used (integer arithmetic), which numpy
    keeps stable across versions, unlike the Generator's distributions.
    """
    raw = np.random.PCG64(SILENCE_SEED).random_raw(CLIP_SAMPLES)
    span = 2 * SILENCE_NOISE_PEAK + 1
    return ((raw % np.uint64(span)).astype(np.int64) - SILENCE_NOISE_PEAK).astype(np.int16)


def speech_features(clip: np.ndarray, preprocessor_path: str) -> np.ndarray:
    """49x40 int8 features of a 1 s int16 clip, as TFLM's micro_speech does.

    A fresh interpreter per clip (its noise-reduction and PCAN state start at
    zero, like GenerateFeatures() in micro_speech_test.cc), frames fed in order.
    """
    from tflite_micro.python.tflite_micro import runtime

    interp = runtime.Interpreter.from_file(preprocessor_path)
    features = np.zeros((FRAME_COUNT, FEATURE_SIZE), dtype=np.int8)
    for i in range(FRAME_COUNT):
        start = i * STRIDE_SAMPLES
        frame = clip[start:start + FRAME_SAMPLES].reshape(1, FRAME_SAMPLES)
        interp.set_input(frame, 0)
        interp.invoke()
        features[i] = np.asarray(interp.get_output(0)).reshape(FEATURE_SIZE)
    return features


# ===========================================================================
# person_detection
# ===========================================================================
def grayscale_u8(rgb: np.ndarray) -> np.ndarray:
    """ITU-R BT.601 luma in integer arithmetic (round half up)."""
    if rgb.ndim == 2:
        return rgb.astype(np.uint8)
    r, g, b = (rgb[..., c].astype(np.int32) for c in range(3))
    return ((299 * r + 587 * g + 114 * b + 500) // 1000).astype(np.uint8)


def person_input(image_name: str) -> np.ndarray:
    """Bundled skimage image -> int8 (1, 96, 96, 1) person_detect input."""
    import skimage.data
    from PIL import Image

    gray = grayscale_u8(getattr(skimage.data, image_name)())
    h, w = gray.shape
    side = min(h, w)
    top, left = (h - side) // 2, (w - side) // 2
    square = gray[top:top + side, left:left + side]
    small = np.asarray(Image.fromarray(square).resize(
        (IMAGE_SIZE, IMAGE_SIZE), Image.Resampling.BOX), dtype=np.uint8)
    # pixel p in 0..255 -> int8 p - 128 (scale 1/127.5, zero point -1)
    q = (small.astype(np.int16) - 128).astype(np.int8)
    return q.reshape(1, IMAGE_SIZE, IMAGE_SIZE, 1)


# ===========================================================================
# Common: run TFLM, write .npy and C headers
# ===========================================================================
def run_tflm(model_path: str, inputs: list) -> list:
    """int8 output vector of the model for each input (one interpreter)."""
    from tflite_micro.python.tflite_micro import runtime

    interp = runtime.Interpreter.from_file(model_path)
    outs = []
    for x in inputs:
        interp.set_input(x, 0)
        interp.invoke()
        outs.append(np.asarray(interp.get_output(0)).reshape(-1).astype(np.int8).copy())
    return outs


def c_string(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_header(path: str, guard: str, provenance: list, names: list,
                 inputs: list, expected: list, labels: list, outputs: list):
    n = int(inputs[0].size)
    lines = [
        f"/* Generated by {SCRIPT} -- do not edit. */",
        "/*",
    ]
    lines += [f" * {p}".rstrip() for p in provenance]
    lines += [
        " *",
        " * sample_expected[i] is the argmax of the model's output that the",
        " * TFLM reference interpreter gives for sample_inputs[i]; the TFLM int8",
        " * outputs (softmax, scale 1/256, zero point -128) were:",
    ]
    for name, out in zip(names, outputs):
        vals = ", ".join(f"{int(v)}" for v in out)
        probs = ", ".join(f"{(int(v) + 128) / 256:.4f}" for v in out)
        lines.append(f" *   {name}: [{vals}] = [{probs}]")
    lines += [
        " */",
        f"#ifndef {guard}",
        f"#define {guard}",
        "",
        "#include <stdint.h>",
        "",
        f"#define SAMPLE_COUNT {len(names)}",
        f"#define SAMPLE_INPUT_SIZE {n}",
        f"#define LABEL_COUNT {len(labels)}",
        "",
        "static const char *const label_names[LABEL_COUNT] = {",
    ]
    lines += [f"    {c_string(l)}," for l in labels]
    lines += ["};", "", "static const char *const sample_names[SAMPLE_COUNT] = {"]
    lines += [f"    {c_string(s)}," for s in names]
    lines += ["};", "", "/* argmax of the TFLM output for each sample (index into label_names) */",
              "static const int sample_expected[SAMPLE_COUNT] = {"]
    lines += [f"    {int(e)}, /* {names[i]}: {labels[e]} */" for i, e in enumerate(expected)]
    lines += ["};", "", f"static const int8_t sample_inputs[SAMPLE_COUNT][{n}] = {{"]
    for name, x in zip(names, inputs):
        flat = x.reshape(-1)
        lines.append(f"    /* {name} */")
        lines.append("    {")
        for k in range(0, n, 16):
            lines.append("        " + ", ".join(str(int(v)) for v in flat[k:k + 16]) + ",")
        lines.append("    },")
    lines += ["};", "", f"#endif /* {guard} */", ""]
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="ascii", newline="\n") as f:
        f.write("\n".join(lines))


def write_clips_header(path: str, names: list, clips: list, provenance: list):
    """The 1 s int16 PCM clips the features were computed from (audio_clips.h): the micro_speech example
    runs the whole pipeline from them on the board, in the order of samples.h."""
    n = int(clips[0].size)
    lines = [f"/* Generated by {SCRIPT} -- do not edit. */", "/*"]
    lines += [f" * {p}".rstrip() for p in provenance]
    lines += [
        " *",
        " * clip_pcm[i] is the audio of sample_names[i] of samples.h, whose",
        " * sample_inputs[i] are the features TFLM's audio preprocessor computes from it.",
        " */",
        "#ifndef MICRO_SPEECH_AUDIO_CLIPS_H",
        "#define MICRO_SPEECH_AUDIO_CLIPS_H",
        "",
        "#include <stdint.h>",
        "",
        f"#define CLIP_COUNT {len(clips)}",
        f"#define CLIP_SAMPLES {n}",
        f"#define CLIP_SAMPLE_RATE {SAMPLE_RATE}",
        "",
        f"static const int16_t clip_pcm[CLIP_COUNT][CLIP_SAMPLES] = {{",
    ]
    for name, clip in zip(names, clips):
        lines.append(f"    /* {name} */")
        lines.append("    {")
        for k in range(0, n, 20):
            lines.append("        " + ",".join(str(int(v)) for v in clip[k:k + 20]) + ",")
        lines.append("    },")
    lines += ["};", "", "#endif /* MICRO_SPEECH_AUDIO_CLIPS_H */", ""]
    with open(path, "w", encoding="ascii", newline="\n") as f:
        f.write("\n".join(lines))


def save_npy(path: str, x: np.ndarray):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    np.save(path, np.ascontiguousarray(x), allow_pickle=False)


def report(title: str, names, intended, outputs, labels) -> int:
    """Print the TFLM scores; return how many samples disagree with intent."""
    print(f"{title}")
    misses = 0
    for name, want, out in zip(names, intended, outputs):
        got = labels[int(np.argmax(out))]
        probs = " ".join(f"{l}={(int(v) + 128) / 256:.3f}" for l, v in zip(labels, out))
        ok = "ok" if got == want else "DIFFERS"
        misses += got != want
        print(f"  {name:10s} int8 {list(map(int, out))!s:24s} {probs}  -> {got} ({ok})")
    return misses


# ===========================================================================
def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", default=DEFAULT_MODELS,
                    help="folder with the .tflite models (default: %(default)s)")
    ap.add_argument("--root", default=REPO_ROOT,
                    help="repository root to write into (default: %(default)s)")
    args = ap.parse_args(argv)
    import skimage
    from tflite_micro.python.tflite_micro import _version as tflm_version

    tflm_ver = getattr(tflm_version, "__version__", "?")
    misses = 0

    # ---- micro_speech --------------------------------------------------
    pre = os.path.join(args.models, "audio_preprocessor_int8.tflite")
    kws = os.path.join(args.models, "micro_speech_quantized.tflite")
    names, intended, inputs, clips = [], [], [], []
    for name, word, want in SPEECH_SAMPLES:
        clip = silence_clip() if word is None else centre_in_clip(synthesise(word))
        feats = speech_features(clip, pre).reshape(1, FRAME_COUNT * FEATURE_SIZE)
        clips.append(clip)
        names.append(name)
        intended.append(want)
        inputs.append(feats)
    outputs = run_tflm(kws, inputs)
    expected = [int(np.argmax(o)) for o in outputs]
    for name, x in zip(names, inputs):
        save_npy(os.path.join(args.root, "examples", "micro_speech", "data", name + ".npy"), x)
    write_header(
        os.path.join(args.root, "examples", "micro_speech", "src", "samples.h"),
        "MICRO_SPEECH_SAMPLES_H",
        [
            "Inputs of micro_speech_quantized.tflite: int8 (1, 1960) = 49 frames x 40",
            "features (scale 0.101715684, zero point -128).",
            f"Audio: espeak-ng {espeak_version()} (voice {ESPEAK_VOICE}, {ESPEAK_SPEED} wpm, "
            f"amplitude {ESPEAK_AMPLITUDE}, pitch {ESPEAK_PITCH})",
            "saying \"yes\", \"no\" and \"tree\" (-> unknown), resampled to 16 kHz, centred",
            f"in 1 s; silence = seeded uniform noise of +-{SILENCE_NOISE_PEAK} LSB. Features: 30 ms frames",
            "every 20 ms through audio_preprocessor_int8.tflite in the TFLM interpreter",
            "(one fresh interpreter per clip), as TFLM's micro_speech example does.",
            f"Expected labels from TFLM (tflite_micro {tflm_ver}).",
        ],
        names, inputs, expected, SPEECH_LABELS, outputs)
    write_clips_header(
        os.path.join(args.root, "examples", "micro_speech", "src", "audio_clips.h"), names, clips,
        [f"16 kHz mono int16 PCM, 1 s per clip: espeak-ng {espeak_version()} (voice {ESPEAK_VOICE},",
         f"{ESPEAK_SPEED} wpm, amplitude {ESPEAK_AMPLITUDE}, pitch {ESPEAK_PITCH}) saying \"yes\", \"no\" and \"tree\",",
         "resampled from 22,050 Hz (polyphase, 320/441), trimmed and centred; silence = seeded",
         f"uniform noise of +-{SILENCE_NOISE_PEAK} LSB."])
    misses += report("micro_speech (TFLM, micro_speech_quantized.tflite):",
                     names, intended, outputs, SPEECH_LABELS)

    # ---- person_detection ----------------------------------------------
    pd = os.path.join(args.models, "person_detect.tflite")
    names = [n for n, _, _ in PERSON_SAMPLES]
    intended = [w for _, _, w in PERSON_SAMPLES]
    inputs = [person_input(img) for _, img, _ in PERSON_SAMPLES]
    outputs = run_tflm(pd, inputs)
    expected = [int(np.argmax(o)) for o in outputs]
    for name, x in zip(names, inputs):
        save_npy(os.path.join(args.root, "examples", "person_detection", "data", name + ".npy"), x)
    write_header(
        os.path.join(args.root, "examples", "person_detection", "src", "samples.h"),
        "PERSON_DETECTION_SAMPLES_H",
        [
            "Inputs of person_detect.tflite: int8 (1, 96, 96, 1) grayscale, row-major,",
            "pixel p in 0..255 stored as p - 128 (scale 1/127.5, zero point -1).",
            f"Images bundled with scikit-image {skimage.__version__}: \"person\" = astronaut.png",
            "(NASA photo of Eileen Collins, public domain), \"no_person\" = coffee.png",
            "(Rachel Michetti, CC0). BT.601 luma, centred square crop, 96x96 with",
            "Pillow's BOX filter.",
            f"Expected labels from TFLM (tflite_micro {tflm_ver}).",
        ],
        names, inputs, expected, PERSON_LABELS, outputs)
    misses += report("person_detection (TFLM, person_detect.tflite):",
                     names, intended, outputs, PERSON_LABELS)

    if misses:
        print(f"note: {misses} sample(s) are not classified as intended "
              "(sample_expected records what TFLM says)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
