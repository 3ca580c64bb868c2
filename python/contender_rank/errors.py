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


class LayoutError(ContenderRankError):
    """Not possible in this database's layout (e.g. close_period on an adopted nineteen database, where
    nineteen closes periods itself; or tables migrate cannot adopt). Nothing was changed."""


class NotInstalledError(SchemaMissingError):
    """contender_rank is not installed in this database."""


class _Rule(NamedTuple):
    field: str
    allowed: str


# Every CHECK constraint a caller's write can hit (those of the tables in public), by name. A test
# compares this with the catalog, so a new constraint without an entry here fails the suite instead
# of surfacing as a raw database error. (contender_rank's own tables have CHECKs too; only its
# triggers write them, so a violation there is a bug, not bad input, and stays a database error.)
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
    "failure_weight_must_be_finite_and_not_negative": _Rule("failure_weight", "a finite number >= 0"),
    "retention_epsilon_between_0_and_1": _Rule("retention_epsilon", "a number from 0 to 1 inclusive"),
    "ranking_config_has_exactly_one_row": _Rule("singleton", "true: ranking_config holds exactly one row"),
    "period_score_between_0_and_1": _Rule("period_score", "a number from 0 to 1 inclusive, or NULL"),
    "contender_period_score_between_0_and_1": _Rule(
        "period_score", "a number from 0 to 1 inclusive, or NULL"
    ),
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
    if isinstance(
        error, (pg_errors.UndefinedFunction, pg_errors.UndefinedTable, pg_errors.InvalidSchemaName)
    ):
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
        # raised by our functions' argument checks: the message names the argument and its range,
        # the error's column field names the argument
        return InvalidValueError(_primary(error), field=error.diag.column_name)
    if isinstance(error, pg_errors.FeatureNotSupported):
        return LayoutError(_primary(error))
    if isinstance(error, psycopg.DataError):
        # unparsable or out-of-range input (e.g. an interval PostgreSQL cannot read): show what was passed
        given = ", ".join(f"{name} = {value!r}" for name, value in values.items() if value is not None)
        field = next(iter(values)) if len(values) == 1 else None
        return InvalidValueError(
            f"{_primary(error)} (given {given})" if given else _primary(error), field=field
        )
    return None


_INT4_MAX = 2**31 - 1


def check_types(**expected: tuple[object, type | tuple[type, ...], bool]) -> None:
    """Refuse a wrong-typed argument before it reaches the database, with the library's own error.

    Each keyword is ``name=(value, allowed types, None allowed)``; ``bool`` never passes for ``int``,
    and an ``int`` must fit PostgreSQL's integer.
    """
    for name, (value, allowed, nullable) in expected.items():
        if value is None:
            if nullable:
                continue
            raise InvalidValueError(f"{name} must not be None (NULL is not allowed)", field=name)
        kinds = allowed if isinstance(allowed, tuple) else (allowed,)
        ok = isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds)
        if not ok:
            names = " or ".join(kind.__name__ for kind in kinds)
            raise InvalidValueError(
                f"{name} must be {names}, got {type(value).__name__} {value!r}", field=name
            )
        if (
            isinstance(value, int)
            and not isinstance(value, bool)
            and not -_INT4_MAX - 1 <= value <= _INT4_MAX
        ):
            raise InvalidValueError(
                f"{name} = {value} is out of range for an integer (at most {_INT4_MAX})", field=name
            )


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
