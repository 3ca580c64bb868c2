"""The few exceptions the Python API raises, mapped from PostgreSQL's SQLSTATE and constraint names.

Every message says what was wrong and what is allowed, so a caller (or the CLI) can show it as is.
Errors that are not about the caller's input (a lost connection, a deadlock) are not translated:
they reach the caller as the original ``psycopg`` exception.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import NamedTuple

import psycopg
from psycopg import errors as pg_errors


class ContenderRankError(Exception):
    """Base class of every error the contender_rank API raises on purpose."""


class InvalidValueError(ContenderRankError, ValueError):
    """A value the schema does not allow: nothing was changed.

    ``field`` names the offending column or argument when it is known.
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class UnknownSettingError(ContenderRankError, ValueError):
    """``update_config`` was given a name that is not a ranking_config setting: nothing was changed."""


class ConfigRowError(ContenderRankError):
    """An attempt to add or remove a ``ranking_config`` row: it always holds exactly one."""


class SchemaMissingError(ContenderRankError):
    """The database lacks the ranking's tables or functions: it has not been migrated."""


class _Rule(NamedTuple):
    field: str
    allowed: str


# Every CHECK constraint of the schema, by name. A test compares this with the catalog, so a new
# constraint without an entry here fails the suite instead of surfacing as a raw database error.
CHECK_CONSTRAINTS: dict[str, _Rule] = {
    "similarity_between_0_and_1": _Rule("similarity", "a number from 0 to 1 inclusive"),
    "similarity_needs_two_different_tasks": _Rule(
        "to_task", "a task other than from_task (a task is never similar to itself)"
    ),
    "decay_interval_must_be_positive": _Rule("decay_interval", "an interval longer than zero, e.g. '1 hour'"),
    "decay_factor_must_be_above_0_and_at_most_1": _Rule(
        "decay_factor", "a number greater than 0 and at most 1 (1 means no decay)"
    ),
    "history_weight_must_be_finite_and_not_negative": _Rule("history_weight", "a finite number >= 0"),
    "retention_epsilon_between_0_and_1": _Rule("retention_epsilon", "a number from 0 to 1 inclusive"),
    "ranking_config_has_exactly_one_row": _Rule("singleton", "true: ranking_config holds exactly one row"),
    "period_score_between_0_and_1": _Rule("period_score", "a number from 0 to 1 inclusive, or NULL"),
    "contender_period_score_between_0_and_1": _Rule("period_score", "a number from 0 to 1 inclusive, or NULL"),
    "expired_at_must_be_finite": _Rule("expired_at", "a finite timestamptz"),
    "capacity_is_a_number": _Rule("capacity", "a number (not NaN)"),
    "consumed_capacity_is_a_number": _Rule("consumed_capacity", "a number (not NaN)"),
    "total_requests_made_not_negative": _Rule("total_requests_made", "an integer >= 0"),
    "requests_429_not_negative": _Rule("requests_429", "an integer >= 0"),
    "requests_500_not_negative": _Rule("requests_500", "an integer >= 0"),
}


def _primary(error: psycopg.Error) -> str:
    diag = error.diag
    message = (diag.message_primary or str(error)).strip()
    return f"{message} ({diag.message_hint})" if diag.message_hint else message


def translate(error: psycopg.Error, values: Mapping[str, object] | None = None) -> ContenderRankError | None:
    """The typed exception for a database error caused by the caller's input, or None.

    ``values`` are the values the caller passed, by field name, so the message can quote the
    rejected one.
    """
    values = values or {}
    if isinstance(error, pg_errors.CheckViolation):
        rule = CHECK_CONSTRAINTS.get(error.diag.constraint_name or "")
        if rule is None:
            return InvalidValueError(_primary(error))
        if rule.field in values:
            shown = f"{rule.field} = {values[rule.field]!r}"
        elif error.diag.message_detail:
            shown = f"{rule.field} ({error.diag.message_detail.strip()})"
        else:
            shown = rule.field
        return InvalidValueError(f"{shown} is not allowed: it must be {rule.allowed}", field=rule.field)
    if isinstance(error, pg_errors.NotNullViolation):
        column = error.diag.column_name or "value"
        return InvalidValueError(f"{column} must not be NULL", field=column)
    if isinstance(error, pg_errors.RestrictViolation):
        return ConfigRowError(_primary(error))
    if isinstance(error, (pg_errors.UndefinedFunction, pg_errors.UndefinedTable)):
        return SchemaMissingError(
            f"this database has no ranking schema ({_primary(error)}): run `contender-rank migrate` first"
        )
    if isinstance(error, (pg_errors.InvalidDatetimeFormat, pg_errors.IntervalFieldOverflow)) and (
        "decay_interval" in values
    ):
        # the only interval anyone passes us
        rule = CHECK_CONSTRAINTS["decay_interval_must_be_positive"]
        return InvalidValueError(
            f"decay_interval = {values['decay_interval']!r} is not allowed: {_primary(error)}; "
            f"it must be {rule.allowed}",
            field="decay_interval",
        )
    if isinstance(error, (pg_errors.InvalidParameterValue, pg_errors.NullValueNotAllowed)):
        # raised by our functions' argument checks, whose messages name the argument and its range
        return InvalidValueError(_primary(error))
    if isinstance(error, psycopg.DataError):
        # unparsable or out-of-range input (e.g. top_x beyond int4): show what was passed
        given = ", ".join(f"{name} = {value!r}" for name, value in values.items())
        return InvalidValueError(f"{_primary(error)} (given {given})" if given else _primary(error))
    return None


@contextmanager
def translated_errors(values: Mapping[str, object] | None = None) -> Iterator[None]:
    """Re-raise database errors caused by the caller's input as typed exceptions."""
    try:
        yield
    except psycopg.Error as error:
        typed = translate(error, values)
        if typed is None:
            raise
        raise typed from error
