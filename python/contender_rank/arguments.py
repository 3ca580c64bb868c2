"""What every command shares, the product's operator commands and the lab's tools alike: the
expected-failure exception, the argument types, the database the user named, and redaction of
passwords. A module of its own so that the CLI (cli.py), its commands (commands.py) and the lab's
commands import it, never each other."""

from __future__ import annotations

import argparse
import os
import re
from datetime import datetime


class CliError(Exception):
    """An expected failure: printed as one line, exit status 2."""


def parse_timestamp(text: str) -> datetime:
    """An ISO 8601 time with a UTC offset: a naive time would be read in the server's TimeZone."""
    example = "e.g. 2025-01-01T05:00:00+00:00 or 2025-01-01T05:00:00Z"
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        message = f"{text!r} is not an ISO 8601 time with a UTC offset, {example}"
        raise argparse.ArgumentTypeError(message) from None
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError(
            f"{text!r} has no time zone: it would be read in the server's TimeZone; "
            f"add a UTC offset, {example}"
        )
    return value


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1, got {text!r}")
    return value


def number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None


def given_dsn(dsn: str | None = None) -> str | None:
    """The database the user named: ``dsn`` (from ``--dsn``), else ``$DATABASE_URL``, else None."""
    return dsn or os.environ.get("DATABASE_URL") or None


def redacted(text: str) -> str:
    """``text`` with every password in a connection string replaced by ``***``."""
    text = re.sub(r"(\w[\w+.-]*://[^:/@\s]*:)[^@\s]*@", r"\1***@", text)
    return re.sub(r"(password\s*=\s*)('[^']*'|\S+)", r"\1***", text, flags=re.IGNORECASE)
