"""Dev-platform for the emulated board: nothing to customise, PlatformBase does it all."""
from platformio.public import PlatformBase


class TinymlemulatorPlatform(PlatformBase):
    pass
