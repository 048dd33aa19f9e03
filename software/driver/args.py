"""Argument checks shared by the driver's unit interfaces."""

__all__ = ["as_int"]


def as_int(value, name):
    """``value`` as a Python int (numpy integers accepted); ``TypeError`` naming ``name`` for a
    bool or a non-integer."""
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        raise TypeError(f"{name} must be an integer, not {type(value).__name__}")
    return int(value.__index__())
