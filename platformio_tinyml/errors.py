"""One exception type for every problem a user can fix.

The command line and the PlatformIO hook print ``str(err)`` as one line and exit
non-zero; a traceback is only ever shown for bugs of the project itself.
"""


class TinymlError(Exception):
    """A problem with the user's model, options or environment (never a bug)."""


class UnsupportedError(TinymlError):
    """The model uses an operator, dtype or shape the converter cannot handle."""
