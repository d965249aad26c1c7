/* On-target tests of the generated sine model (run by `pio test -e emulator` on QEMU). */
#include <math.h>
#include <stdio.h>

#include "hello_world_int8.h"

static int failures;

static void check(const char *name, int ok, const char *message)
{
    if (ok) {
        printf("%s:PASS\n", name);
    } else {
        printf("%s:FAIL:%s\n", name, message);
        failures++;
    }
}

int main(void)
{
    const tml_tensor_info *in = &hello_world_int8_model.inputs[0];
    const tml_tensor_info *out = &hello_world_int8_model.outputs[0];
    float worst = 0.0f;
    int i, invoke_ok = 1;

    check("test_descriptor",
          hello_world_int8_model.input_count == 1 && hello_world_int8_model.output_count == 1 &&
              in->dtype == TML_INT8 && out->dtype == TML_INT8 && in->count == 1 && out->count == 1 &&
              HELLO_WORLD_INT8_ARENA_BYTES > 0 && hello_world_int8_input(1) == NULL,
          "one int8 input and one int8 output expected");
    for (i = 0; i <= 40; i++) {
        float x = (float)i * (6.28318531f / 40.0f);
        hello_world_int8_input0()[0] = (int8_t)tml_quantize(in, x);
        if (hello_world_int8_invoke() != 0) invoke_ok = 0;
        float err = fabsf(tml_dequantize(out, hello_world_int8_output0()[0]) - sinf(x));
        if (err > worst) worst = err;
    }
    check("test_invoke", invoke_ok, "hello_world_int8_invoke() returned non-zero");
    /* The model approximates sin(x) on [0, 2*pi] to about 0.12. */
    check("test_approximates_sine", worst < 0.2f, "|y - sin(x)| >= 0.2");
    printf("tests done: %d failed\n", failures);
    fflush(stdout);
    return failures;
}
