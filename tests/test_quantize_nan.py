"""QUANTIZE (float32 -> int8 / int16) is defined for every float, under UBSan.

TFLM's AffineQuantize (reference_ops, tensorflow/lite/kernels/internal/reference/quantize.h) computes
static_cast<int32_t>(TfLiteRound(x / scale)) + zero_point and clamps: for NaN, +-inf or |x / scale| >= 2^31
the cast is undefined behaviour. The library defines them (library/src/tinyml/ref/quantize.h): NaN ->
the zero point, +-inf -> the type's limits; every finite value quantizes exactly as TFLM's formula,
which the Python reference below computes independently.
"""
import shutil
import subprocess

import numpy as np
import pytest

from platformio_tinyml.api import library_dir

SAN = ["-fsanitize=undefined,float-cast-overflow", "-fno-sanitize-recover=all"]

#: (output type, scale, zero point)
PARAMS = [("int8", 0.1, 0), ("int8", 0.00390625, -128), ("int8", 1 / 3, 5), ("int8", 0.02, 127),
          ("int8", 1e-38, -7), ("int16", 1 / 32768, 0), ("int16", 0.5, 0), ("int16", 3e-5, 7),
          ("int16", 1e30, -300)]
RANGES = {"int8": (-128, 127), "int16": (-32768, 32767)}


def _values() -> np.ndarray:
    """NaNs (quiet, signalling, negative, with payloads), infinities, zeros, denormals, the extremes,
    values near the rounding ties and the saturation thresholds, and random bit patterns."""
    f32 = np.float32
    special = np.array([0x7FC00000, 0xFFC00000, 0x7F800001, 0xFF800001, 0x7FFFFFFF, 0xFFFFFFFF, 0x7FA5A5A5,
                        0x7F800000, 0xFF800000,            # +-inf
                        0x80000000, 0x00000000,            # -0.0, +0.0
                        0x00000001, 0x80000001, 0x007FFFFF, 0x807FFFFF, 0x00800000, 0x80800000,  # denormals, min normal
                        0x7F7FFFFF, 0xFF7FFFFF], np.uint32)  # +-FLT_MAX
    rng = np.random.default_rng(0)
    random_bits = rng.integers(0, 2**32, 20000, dtype=np.uint64).astype(np.uint32)
    sweep = np.concatenate([np.linspace(-200, 200, 8001, dtype=f32),
                            (np.arange(-300, 300, dtype=f32) + f32(0.5)),      # ties in units of the scale
                            np.array([2.0**31, -2.0**31, 2.0**31 - 128, -(2.0**31) - 256, 1e10, -1e10], f32)])
    with np.errstate(over="ignore"):  # 2^31 * 1e30 is +inf: one more infinity
        scaled = np.concatenate([sweep * f32(s) for _, s, _ in PARAMS])
    return np.concatenate([special.view(f32), random_bits.view(f32), sweep, scaled])


def _reference(x: np.ndarray, scale: float, zp: int, lo: int, hi: int) -> np.ndarray:
    """TFLM's formula for finite x: round half away from zero of the float32 quotient, plus the zero
    point, clamped. In float64, where the rounding and the sum are exact (below 2^52; beyond, the value
    is an integer already and far outside any clamp)."""
    with np.errstate(over="ignore"):
        r = (x / np.float32(scale)).astype(np.float64)  # IEEE float32 division, as the C kernel does
    rounded = np.where(np.abs(r) < 2.0**52, np.copysign(np.floor(np.abs(r) + 0.5), r), r)
    return np.clip(rounded + zp, lo, hi).astype(np.int64)


_PROGRAM = """
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "tinyml.h"

static const uint32_t bits[%(n)d] = {%(bits)s};
static float in[%(n)d];
static int8_t o8[%(n)d];
static int16_t o16[%(n)d];
static const int wide[] = {%(wide)s};
static const float scales[] = {%(scales)s};
static const int32_t zps[] = {%(zps)s};

int main(void)
{
    int k, i;
    memcpy(in, bits, sizeof in);
    for (k = 0; k < %(p)d; k++) {
        tml_quantize_f32_params p;
        p.size = %(n)d;
        p.scale = scales[k];
        p.zero_point = zps[k];
        p.out_min = wide[k] ? -32768 : -128;
        p.out_max = wide[k] ? 32767 : 127;
        if (wide[k]) {
            tml_quantize_f32_s16(&p, in, o16);
        } else {
            tml_quantize_f32_s8(&p, in, o8);
        }
        printf("%%d", k);
        for (i = 0; i < p.size; i++) {
            const int32_t q = wide[k] ? o16[i] : o8[i];
            if (isnan(in[i])) {
                assert(q == p.zero_point);
            } else if (isinf(in[i])) {
                assert(q == (in[i] > 0 ? p.out_max : p.out_min));
            }
            printf(" %%d", (int)q);
        }
        printf("\\n");
    }
    return 0;
}
"""


@pytest.mark.parametrize("opt", ["-O0", "-O2"])
def test_quantize_every_float_under_ubsan(tmp_path, opt):
    if shutil.which("gcc") is None:
        pytest.fail("gcc is not installed (.ci/run installs it)")
    x = _values()
    src = tmp_path / "q.c"
    src.write_text(_PROGRAM % dict(
        n=len(x), p=len(PARAMS), bits=",".join(f"0x{b:08X}u" for b in x.view(np.uint32)),
        wide=",".join("1" if t == "int16" else "0" for t, _, _ in PARAMS),
        scales=",".join(f"{float(np.float32(s)).hex()}f" for _, s, _ in PARAMS),
        zps=",".join(str(z) for _, _, z in PARAMS)))
    exe = tmp_path / "q"
    cc = subprocess.run(["gcc", "-std=c99", opt, "-g", *SAN, "-I", str(library_dir() / "src"), str(src), "-o", str(exe),
                         "-lm"], capture_output=True, text=True)
    assert cc.returncode == 0, cc.stderr
    run = subprocess.run([str(exe)], capture_output=True, text=True)
    assert run.returncode == 0 and not run.stderr, run.stderr[-3000:]
    lines = run.stdout.splitlines()
    assert len(lines) == len(PARAMS)
    finite = np.isfinite(x)
    for line, (dtype, scale, zp) in zip(lines, PARAMS):
        lo, hi = RANGES[dtype]
        got = np.array([int(v) for v in line.split()[1:]], np.int64)
        assert len(got) == len(x)
        want = np.where(np.isnan(x), zp, np.where(x > 0, hi, lo))
        want[finite] = _reference(x[finite], scale, zp, lo, hi)
        bad = np.flatnonzero(got != want)
        assert not len(bad), "\n".join(
            f"{dtype} scale {scale} zero point {zp}: x = {float(x[i])!r} ({x.view(np.uint32)[i]:#010x}) -> {got[i]}, "
            f"expected {want[i]}" for i in bad[:20])


_IO_PROGRAM = """
#include <assert.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include "tinyml.h"

int main(void)
{
    const float x[] = {NAN, -NAN, INFINITY, -INFINITY, FLT_MAX, -FLT_MAX, 3e9f, -3e9f, 0.0f, 1.5f};
    const tml_dtype types[] = {TML_INT8, TML_UINT8, TML_INT16, TML_INT32, TML_INT32};
    const float scales[] = {0.5f, 0.25f, 1e-3f, 2.0f, 0.0f};
    const int32_t zps[] = {3, 128, -5, 0, 0};
    int k, i;
    for (k = 0; k < 5; k++) {
        tml_tensor_info t = {"t", types[k], 1, {10}, 10, 40, scales[k], zps[k]};
        int32_t buf[10];
        tml_write_f32(&t, buf, x, 10);
        for (i = 0; i < 10; i++) {
            const int32_t q = types[k] == TML_INT8 ? ((int8_t *)buf)[i] : types[k] == TML_UINT8 ? ((uint8_t *)buf)[i]
                            : types[k] == TML_INT16 ? ((int16_t *)buf)[i] : buf[i];
            printf("%d ", (int)q);
        }
        printf("\\n");
    }
    return 0;
}
"""


def test_app_io_helpers_define_nan_and_infinity(tmp_path):
    """tml_write_f32 / tml_quantize (the helpers an application writes float inputs with): NaN gives the
    zero point, +-inf and out-of-range values saturate, an unquantized int32 tensor takes NaN as 0, all
    UBSan-clean."""
    src = tmp_path / "io.c"
    src.write_text(_IO_PROGRAM)
    exe = tmp_path / "io"
    cc = subprocess.run(["gcc", "-std=c99", "-O1", *SAN, "-I", str(library_dir() / "src"), str(src), "-o", str(exe),
                         "-lm"], capture_output=True, text=True)
    assert cc.returncode == 0, cc.stderr
    run = subprocess.run([str(exe)], capture_output=True, text=True)
    assert run.returncode == 0 and not run.stderr, run.stderr[-3000:]
    rows = [[int(v) for v in line.split()] for line in run.stdout.splitlines()]
    i32 = (-2**31, 2**31 - 1)
    assert rows == [
        [3, 3, 127, -128, 127, -128, 127, -128, 3, 6],          # int8, scale 0.5, zero point 3
        [128, 128, 255, 0, 255, 0, 255, 0, 128, 134],           # uint8, scale 0.25, zero point 128
        [-5, -5, 32767, -32768, 32767, -32768, 32767, -32768, -5, 1495],  # int16, scale 1e-3, zero point -5
        [0, 0, i32[1], i32[0], i32[1], i32[0], 1500000000, -1500000000, 0, 1],  # int32 quantized, scale 2
        [0, 0, i32[1], i32[0], i32[1], i32[0], i32[1], i32[0], 0, 1],           # int32, not quantized
    ], rows
