"""The storage layer: the content-addressed blob store and the opened archive (its folder,
database engines and settings). It imports only the core types and `corroborate.db`; the custody
log and the derivations plug into it through the hooks in `corroborate.storage.hooks`."""

from __future__ import annotations
