"""One exception hierarchy; every message is written for the person at the keyboard."""

from __future__ import annotations


class CorroborateError(Exception):
    """Base of every error the library raises on purpose; the CLI prints it as one line."""

    exit_code = 1


class InputError(CorroborateError):
    """Bad input from the user: a file, URL, option or row that cannot be used."""

    exit_code = 2


class NotFoundError(CorroborateError):
    """A named item, incident, source or entry does not exist."""

    exit_code = 2


class IntegrityError(CorroborateError):
    """Stored evidence or the custody log does not check out."""

    exit_code = 1


class ReviewError(CorroborateError):
    """A review or status change that the rules do not allow (four eyes, missing evidence)."""

    exit_code = 1


class ArchiveError(CorroborateError):
    """The archive itself cannot be opened or created."""

    exit_code = 2
