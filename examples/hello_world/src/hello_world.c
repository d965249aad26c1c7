/*
 * hello_world: the sweep shared by every board (main.c on bare metal, arduino_main.cpp on Arduino,
 * and the Arduino IDE sketch library/examples/HelloWorld, which holds a copy of this file).
 *
 * Sweeps x over [0, 2*pi] through the sine model, prints x, the model's y and sin(x), then the
 * largest |y - sin(x)|. Numbers are printed with 9 significant digits, so a float read back is
 * bit-for-bit the same.
 */
#include <math.h>
#include <stdio.h>

#include "hello_world.h"
#include "hello_world_int8.h"

#define SWEEP_STEPS 20
#define TWO_PI 6.28318531f

int hello_world_sweep(void (*print_line)(const char *line))
{
    const tml_tensor_info *in_info = &hello_world_int8_model.inputs[0];
    const tml_tensor_info *out_info = &hello_world_int8_model.outputs[0];
    char line[96];
    float max_error = 0.0f;
    int i;

    snprintf(line, sizeof line, "%-16s %-16s %s\n", "x", "y", "sin(x)");
    print_line(line);
    for (i = 0; i < SWEEP_STEPS; i++) {
        float x = (float)i * (TWO_PI / (float)(SWEEP_STEPS - 1));
        float y, err;
        hello_world_int8_input0()[0] = (int8_t)tml_quantize(in_info, x);
        if (hello_world_int8_invoke() != 0) {
            print_line("error: hello_world_int8_invoke() failed\n");
            return 1;
        }
        y = tml_dequantize(out_info, hello_world_int8_output0()[0]);
        err = fabsf(y - sinf(x));
        if (err > max_error) max_error = err;
        snprintf(line, sizeof line, "%-16.9g %-16.9g %.9g\n", (double)x, (double)y, (double)sinf(x));
        print_line(line);
    }
    snprintf(line, sizeof line, "max error: %.4f\n", (double)max_error);
    print_line(line);
    return 0;
}
