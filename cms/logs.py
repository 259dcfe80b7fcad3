"""Log records quote at most a few hundred characters of any value.

A request can carry a value of up to the body limit (a slug, a search, a comment);
without a cap, every line that quotes it (a driver's debug line, a traceback's
exception message, an access-log path) adds that much again to the log. The cap is a
record factory, so it applies to every handler and formatter, whoever logs; the
arguments themselves are kept as logged.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

MAX_VALUE = 200  # characters of one quoted value
MAX_LINE = 1000  # characters of a message without arguments, or of a traceback line


def capped(text: str, limit: int = MAX_VALUE) -> str:
    """`text`, cut to `limit` characters with a note of how many were left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit:,} more)"


def _capped_argument(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value  # kept as they are, so %d and %f still format them
    text = value if isinstance(value, str) else repr(value) if isinstance(value, bytes) else None
    if text is None:
        text = str(value)
    return capped(text) if len(text) > MAX_VALUE else value


def _capped_arguments(args: Any) -> Any:
    if isinstance(args, Mapping):
        return {key: _capped_argument(value) for key, value in args.items()}
    return tuple(_capped_argument(value) for value in args)


class _CappedRecord(logging.LogRecord):
    """A record whose message quotes capped values; `args` stay as logged, for filters
    that read them."""

    def getMessage(self) -> str:
        msg = str(self.msg)
        if self.args:
            return str(msg % _capped_arguments(self.args))
        return capped(msg, MAX_LINE)


def _cap_traceback(record: logging.LogRecord) -> None:
    if record.exc_info and record.exc_info[0] is not None and not record.exc_text:
        # Formatters reuse exc_text: the traceback (and any chained exception) is
        # written once, each line capped.
        text = logging.Formatter().formatException(record.exc_info)
        record.exc_text = "\n".join(capped(line, MAX_LINE) for line in text.splitlines())


class _CappingFactory:
    def __init__(self, factory: Any) -> None:
        self.factory = factory

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record: logging.LogRecord = self.factory(*args, **kwargs)
        if type(record) is logging.LogRecord:
            record.__class__ = _CappedRecord
        _cap_traceback(record)
        return record


def cap_logged_values() -> None:
    """Cap the values every log record quotes, from now on in this process (idempotent)."""
    factory = logging.getLogRecordFactory()
    if not isinstance(factory, _CappingFactory):
        logging.setLogRecordFactory(_CappingFactory(factory))
