#ifndef HELLO_WORLD_H
#define HELLO_WORLD_H

#ifdef __cplusplus
extern "C" {
#endif

/* Run the sweep, handing each output line (ending in '\n') to print_line. 0 on success. */
int hello_world_sweep(void (*print_line)(const char *line));

#ifdef __cplusplus
}
#endif

#endif
