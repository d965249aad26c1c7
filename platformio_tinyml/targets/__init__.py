"""Targets: compile the generated C and run it, on the host or on the emulated Cortex-M4 under QEMU."""
