"""Reports: exports of incidents (CSV, JSON Lines, GeoJSON) and evidence packages that a court
can check offline."""

from corroborate.report.exports import EXPORTERS, export_incidents
from corroborate.report.package import PackageSummary, build_package, key_fingerprint, safe_member
from corroborate.report.package_verify import (
    PackageCheck,
    PinnedKey,
    pinned_key,
    pinned_key_file,
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
