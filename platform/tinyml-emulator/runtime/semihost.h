/* Arm semihosting for the emulated board: console output and the program's exit code. */
#ifndef TINYML_EMULATOR_SEMIHOST_H
#define TINYML_EMULATOR_SEMIHOST_H

/* Write len bytes to the host's console (QEMU: the -semihosting-config chardev). */
void semihost_write(const char *buf, int len);

/* End the emulation; QEMU exits with `code` (0..255). Does not return. */
void semihost_exit(int code) __attribute__((noreturn));

#endif
