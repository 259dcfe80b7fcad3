"""Patch inputs: a field left out is unchanged, a field sent as null is cleared."""

from __future__ import annotations

import dataclasses
from typing import Any

import strawberry


def provided_fields(patch: Any) -> dict[str, Any]:
    """The fields the client sent, by Python name, null ones included."""
    return {
        f.name: getattr(patch, f.name)
        for f in dataclasses.fields(patch)
        if getattr(patch, f.name) is not strawberry.UNSET
    }
