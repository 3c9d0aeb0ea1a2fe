"""Named moments where a test may kill the process (SIGKILL), to prove that a crash anywhere in
an ingest leaves the archive consistent. Inert unless CORROBORATE_CRASH_AT names the point:
blob-written, blob-stored, rows-added, head-signed, committed, export-written or
export-placed, telegram-post-N (after the Nth post of a Telegram export; where
`crash_point` is called)."""

from __future__ import annotations

import os
import signal


def crash_point(name: str) -> None:
    """Die here, at once and uncleanly, when the environment asks for it."""
    if os.environ.get("CORROBORATE_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
