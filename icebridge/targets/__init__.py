"""Deploy targets: the :class:`~icebridge.targets.base.Target` protocol and its implementations."""

from icebridge.targets.base import Target

__all__ = ["Target"]
