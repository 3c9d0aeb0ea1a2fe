"""Media facts: what a file is, what its container and streams say, and keyframe thumbnails."""

from corroborate.media.detect import detect_kind
from corroborate.media.keyframes import Keyframe, keyframes
from corroborate.media.probe import MediaUnreadable, c2pa_notice, probe

__all__ = ["Keyframe", "MediaUnreadable", "c2pa_notice", "detect_kind", "keyframes", "probe"]
