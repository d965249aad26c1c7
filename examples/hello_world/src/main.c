/*
 * hello_world: the sine model, converted to C at build time by platformio-tinyml.
 *
 * models/hello_world_int8.tflite becomes hello_world_int8.h / .c in the build folder; this program
 * (bare metal: the emulated board) runs the sweep of hello_world.c and prints it on stdout.
 */
#ifndef ARDUINO
#include <stdio.h>

#include "hello_world.h"

static void print_stdout(const char *line)
{
    fputs(line, stdout);
}

int main(void)
{
    int rc = hello_world_sweep(print_stdout);
    fflush(stdout);
    return rc;
}
#endif
