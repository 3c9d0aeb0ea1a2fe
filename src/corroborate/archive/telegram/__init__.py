"""Telegram Desktop channel exports ("Export chat history", JSON or HTML, a folder or a zip)
as a first-class input: post by post, with channel, link, date, caption and forward chain."""

from corroborate.archive.telegram.export import (
    BadPost,
    Channel,
    Export,
    Forward,
    Post,
    find_export,
    is_export_file,
)
from corroborate.archive.telegram.intake import (
    ExportSummary,
    PostProgress,
    ingest_export,
    ingest_exports_among,
    post_report,
)
from corroborate.archive.telegram.provenance import PostCopy, describe_sighting, post_copies

__all__ = [
    "BadPost",
    "Channel",
    "Export",
    "ExportSummary",
    "Forward",
    "Post",
    "PostCopy",
    "PostProgress",
    "describe_sighting",
    "find_export",
    "ingest_export",
    "ingest_exports_among",
    "is_export_file",
    "post_copies",
    "post_report",
]
