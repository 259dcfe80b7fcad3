"""How `--help` names what a parameter takes: its metavar (FILE, DIR) or a plain word
(TEXT, INTEGER), never a Python type such as `<list[Path]>`; flags take nothing."""

from __future__ import annotations

from typing import Any

from typer.core import TyperArgument, TyperGroup, TyperOption

WORDS = {"str": "TEXT", "int": "INTEGER", "float": "NUMBER", "path": "PATH", "datetime": "TIME"}


def _value_name(param: TyperArgument | TyperOption, ctx: Any) -> str | None:
    if isinstance(param, TyperArgument):
        return None  # the argument's own name (its metavar) already says it
    if param.is_flag or param.count:
        return None
    if param.metavar is not None:
        return param.metavar
    label = param.display_type(ctx).removeprefix("<").removesuffix(">")
    inner = label.removeprefix("list[").removesuffix("]")
    word = WORDS.get(inner.lower(), inner)
    return f"{word}..." if inner != label else word


def _plain(param: object) -> None:
    if isinstance(param, TyperArgument | TyperOption):
        # An instance attribute: typer has no setting for this column of its help.
        named = param

        def display_type_rich(ctx: Any) -> str | None:
            return _value_name(named, ctx)

        param.display_type_rich = display_type_rich  # type: ignore[method-assign]


def plain_help(command: Any) -> None:
    """Give every parameter of `command` (and of its sub-commands) a plain value name."""
    for param in command.params:
        _plain(param)
    original = command.get_help_option

    def get_help_option(ctx: Any) -> Any:
        option = original(ctx)
        _plain(option)
        return option

    command.get_help_option = get_help_option
    for sub in getattr(command, "commands", {}).values():
        plain_help(sub)


class PlainHelpGroup(TyperGroup):
    """The root group: applies `plain_help` to the whole command tree once built."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain_help(self)
