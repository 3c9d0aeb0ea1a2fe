"""Errors of the match capability."""

from __future__ import annotations

from corroborate.errors import InputError


class MediaError(InputError):
    """A file that should be a video or image cannot be decoded, so it cannot be hashed."""


class SignalError(InputError):
    """A signal key that is unknown, or already taken by another algorithm."""
