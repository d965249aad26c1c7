/*
 * hello_world: the sweep shared by every board (main.c on bare metal, arduino_main.cpp on Arduino,
 * and the Arduino IDE sketch library/examples/HelloWorld, which holds a copy of this file).
 *
 * Sweeps x over [0, 2*pi] through the sine model, prints x, the model's y and sin(x), then the
 * largest |y - sin(x)|. Numbers are printed with 9 significant digits, so a float read back is
 * bit-for-bit the same.
 *
 * It drives the model through its generic descriptor (tml_model), so the same code runs the int8
 * model (int8 input and output, quantized here) and the float model quantized to int8 at build
 * time (float input and output; the generated code quantizes them): build with
 * -DHELLO_WORLD_QUANTIZED_AT_BUILD for the latter (platformio.ini, env emulator_quantized).
 */
#include <math.h>
#include <stdio.h>

#include "hello_world.h"
#ifdef HELLO_WORLD_QUANTIZED_AT_BUILD
#include "hello_world_float.h"
#define SINE_MODEL hello_world_float_model
#else
#include "hello_world_int8.h"
#define SINE_MODEL hello_world_int8_model
#endif

#define SWEEP_STEPS 20
#define TWO_PI 6.28318531f

int hello_world_sweep(void (*print_line)(const char *line))
{
    const tml_model *model = &SINE_MODEL;
    char line[96];
    float max_error = 0.0f;
    int i;

    snprintf(line, sizeof line, "%-16s %-16s %s\n", "x", "y", "sin(x)");
    print_line(line);
    for (i = 0; i < SWEEP_STEPS; i++) {
        float x = (float)i * (TWO_PI / (float)(SWEEP_STEPS - 1));
        float y, err;
        tml_write_f32(&model->inputs[0], model->input(0), &x, 1);
        if (model->invoke() != 0) {
            print_line("error: the model's invoke() failed\n");
            return 1;
        }
        y = tml_read_one_f32(&model->outputs[0], model->output(0), 0);
        err = fabsf(y - sinf(x));
        if (err > max_error) max_error = err;
        snprintf(line, sizeof line, "%-16.9g %-16.9g %.9g\n", (double)x, (double)y, (double)sinf(x));
        print_line(line);
    }
    snprintf(line, sizeof line, "max error: %.4f\n", (double)max_error);
    print_line(line);
    return 0;
}
