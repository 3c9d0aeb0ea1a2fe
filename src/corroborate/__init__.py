"""corroborate: verified, deduplicated incident records from war footage and reports."""

__version__ = "0.1.0"
