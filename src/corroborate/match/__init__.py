"""Same-footage recognition: perceptual signatures of videos and images, a FAISS index of
frame hashes, temporal verification, and clusters of copies with their earliest upload."""

from corroborate.match.errors import MediaError
from corroborate.match.signal import PDQ_MULTIVIEW, SIGNALS, SignalType
from corroborate.match.signature import FileSignature, signature_for_file
from corroborate.match.temporal import Match, Segment, match_signatures

__all__ = [
    "PDQ_MULTIVIEW",
    "SIGNALS",
    "FileSignature",
    "Match",
    "MediaError",
    "Segment",
    "SignalType",
    "match_signatures",
    "signature_for_file",
]
