"""Reports: exports of incidents (CSV, JSON Lines, GeoJSON) and evidence packages that a court
can check offline."""

from corroborate.report.exports import EXPORTERS, export_incidents
from corroborate.report.package import (
    PackageCheck,
    PackageSummary,
    PinnedKey,
    build_package,
    key_fingerprint,
    pinned_key,
    pinned_key_file,
    safe_member,
    verify_package,
)
from corroborate.report.safezip import ZipLimits

__all__ = [
    "EXPORTERS",
    "PackageCheck",
    "PackageSummary",
    "PinnedKey",
    "ZipLimits",
    "build_package",
    "key_fingerprint",
    "export_incidents",
    "pinned_key",
    "pinned_key_file",
    "safe_member",
    "verify_package",
]
