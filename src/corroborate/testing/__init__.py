"""Fakes and local services that ship with the library, so tests and demos use real protocols."""

from corroborate.testing.tsa import ForgingTSA, LocalTSA, failing_tsa, local_tsa

__all__ = ["ForgingTSA", "LocalTSA", "failing_tsa", "local_tsa"]
