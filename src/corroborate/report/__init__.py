"""Reports: exports of incidents (CSV, JSON Lines, GeoJSON) and evidence packages that a court
can check offline."""

from corroborate.report.exports import EXPORTERS, export_incidents
from corroborate.report.package import (
    PackageCheck,
    PackageSummary,
    build_package,
    safe_member,
    verify_package,
)

__all__ = [
    "EXPORTERS",
    "PackageCheck",
    "PackageSummary",
    "build_package",
    "export_incidents",
    "safe_member",
    "verify_package",
]
