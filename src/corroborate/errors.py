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


class StaleEditError(CorroborateError):
    """A save based on an older version of an incident: someone changed it since; not written."""

    exit_code = 1


class ArchiveError(CorroborateError):
    """The archive itself cannot be opened or created."""

    exit_code = 2


class SetupError(CorroborateError):
    """A program or service a step needs is missing or would not start (openssl, PostgreSQL)."""

    exit_code = 2


class FormatError(InputError, ValueError):
    """A document that is not in the form corroborate writes (a tree head, a record).

    Also a ValueError, as the parsers it replaces raised, so callers that catch that still do.
    """


class InternalError(CorroborateError):
    """A fault in corroborate itself: an invariant the code relies on did not hold.

    Raised instead of `assert` (which `python -O` removes) where the state cannot come from
    input; the message says what broke, so a report of it can be acted on.
    """

    exit_code = 70  # EX_SOFTWARE
