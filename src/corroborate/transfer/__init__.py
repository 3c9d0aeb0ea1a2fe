"""Moving an archive to another backend with proof that nothing was lost or changed."""

from corroborate.transfer.copy import COPY_ACTION, CopyReport, copy_archive

__all__ = ["COPY_ACTION", "CopyReport", "copy_archive"]
