"""Same-footage recognition: perceptual signatures of videos and images, a FAISS index of
frame hashes, temporal verification, and clusters of copies with their earliest upload.

Pure functions (`signature_for_file`, `match_signatures`) work on files and signatures;
the rest works on an opened archive.
"""

from corroborate.match import signals  # registers the built-in signals
from corroborate.match.clusters import (
    Cluster,
    ClusterItem,
    HeldLink,
    cluster_members,
    clusters,
    find_cluster,
    footage_of,
    held_links,
)
from corroborate.match.errors import MediaError, SignalError
from corroborate.match.search import RehashReport, after_ingest, find_matches, rehash
from corroborate.match.signal import (
    SIGNALS,
    FileSignature,
    SignalIndex,
    SignalType,
    matching_signal,
    register,
    signal_by_key,
)
from corroborate.match.signals import (
    PDQ,
    PDQ_MULTIVIEW_1,
    PDQ_MULTIVIEW_2,
    PDQ_MULTIVIEW_3,
    PDQ_MULTIVIEW_4,
    PDQ_MULTIVIEW_5,
    PDQ_MULTIVIEW_6,
)
from corroborate.match.signature import full_signature as signature_for_file
from corroborate.match.signature import load_signature, store_signature, sync_index
from corroborate.match.temporal import Match, Segment, match_signatures

__all__ = [
    "PDQ",
    "PDQ_MULTIVIEW_1",
    "PDQ_MULTIVIEW_2",
    "PDQ_MULTIVIEW_3",
    "PDQ_MULTIVIEW_4",
    "PDQ_MULTIVIEW_5",
    "PDQ_MULTIVIEW_6",
    "SIGNALS",
    "SignalError",
    "matching_signal",
    "register",
    "signal_by_key",
    "signals",
    "Cluster",
    "ClusterItem",
    "HeldLink",
    "FileSignature",
    "Match",
    "MediaError",
    "RehashReport",
    "Segment",
    "SignalIndex",
    "SignalType",
    "after_ingest",
    "cluster_members",
    "clusters",
    "find_cluster",
    "find_matches",
    "footage_of",
    "held_links",
    "load_signature",
    "match_signatures",
    "rehash",
    "signature_for_file",
    "store_signature",
    "sync_index",
]
