"""The zip container of a checkpoint (see serialization.py for the format)."""

HEADER_ENTRY = "__minigrad_checkpoint__"


class Unreadable(Exception):
    """Why a checkpoint is refused; load() turns it into a ValueError naming the file."""
