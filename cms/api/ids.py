"""Relay global ids: `base64("Type:id")`, checked against the type an argument expects."""

from __future__ import annotations

from strawberry import relay

from cms.errors import InvalidInput

MAX_ID = 2**31 - 1


def encode_id(type_name: str, pk: int) -> str:
    return relay.to_base64(type_name, pk)


def decode_any_id(value: str, argument: str = "id") -> tuple[str, int]:
    """(type name, primary key) of a global id; BAD_USER_INPUT when malformed."""
    try:
        global_id = relay.GlobalID.from_id(value)
        pk = int(global_id.node_id)
        if not 0 < pk <= MAX_ID:  # ids are INT columns on both databases
            raise ValueError(pk)
        return global_id.type_name, pk
    except (ValueError, TypeError):
        raise InvalidInput(
            f"`{argument}` is not a valid id: pass the `id` field of an object from this API.",
            field=argument,
        ) from None


def decode_id(value: str, type_name: str, argument: str = "id") -> int:
    """The primary key inside a global id that must name a `type_name`."""
    found_type, pk = decode_any_id(value, argument)
    if found_type != type_name:
        raise InvalidInput(
            f"`{argument}` must be the id of a {type_name}, not of a {found_type}.",
            field=argument,
        )
    return pk
