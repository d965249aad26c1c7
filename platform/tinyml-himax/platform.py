"""Dev-platform for the Himax WE-I Plus EVB: nothing to customise, PlatformBase does it all.

The toolchain package is optional: the builder also finds an ARC GNU toolchain given by
`custom_arc_toolchain` / $TINYML_ARC_TOOLCHAIN or on $PATH (builder/main.py)."""
from platformio.public import PlatformBase


class TinymlhimaxPlatform(PlatformBase):
    pass
