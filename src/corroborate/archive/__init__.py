"""The evidence archive: ingest of files, folders and URLs, sightings, and verification."""

from corroborate.archive import telegram  # registers its input reader (a Telegram export)
from corroborate.archive.fetch import FetchPolicy
from corroborate.archive.ingest import IngestReport, IngestResult, ingest, ingest_file, ingest_url
from corroborate.archive.queries import get_item, list_items
from corroborate.archive.upload import TooLargeError, UploadInterrupted, ingest_stream
from corroborate.archive.verify import verify_archive

__all__ = [
    "FetchPolicy",
    "IngestReport",
    "IngestResult",
    "TooLargeError",
    "UploadInterrupted",
    "get_item",
    "ingest",
    "ingest_file",
    "ingest_stream",
    "ingest_url",
    "list_items",
    "telegram",
    "verify_archive",
]
