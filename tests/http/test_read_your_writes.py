"""The primary pin: a signed cookie naming until when a client reads from the primary."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from cms.http.read_your_writes import COOKIE, PrimaryPin


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _request(cookie: str | None) -> Request:
    headers = [] if cookie is None else [(b"cookie", f"{COOKIE}={cookie}".encode())]
    return Request({"type": "http", "method": "GET", "path": "/graphql", "headers": headers})


def _issued(pin: PrimaryPin) -> str:
    response = Response()
    pin.pin(response)
    header = response.headers["set-cookie"]
    assert header.startswith(f"{COOKIE}=")
    assert "HttpOnly" in header
    assert "Max-Age=5" in header
    assert "Path=/graphql" in header
    return header.split(";", 1)[0].split("=", 1)[1]


def test_a_pin_holds_for_its_seconds_and_then_runs_out() -> None:
    clock = Clock(1_000_000.0)
    pin = PrimaryPin(b"secret", 5, clock)
    cookie = _issued(pin)

    assert cookie.startswith("1000005.")
    assert pin.pinned(_request(cookie))
    clock.now = 1_000_004.9
    assert pin.pinned(_request(cookie))
    clock.now = 1_000_005.0
    assert not pin.pinned(_request(cookie))


def test_a_pin_is_refused_when_forged_stretched_or_signed_by_another_key() -> None:
    clock = Clock(1_000_000.0)
    pin = PrimaryPin(b"secret", 5, clock)
    until, signature = _issued(pin).split(".")
    other = _issued(PrimaryPin(b"another instance's key", 5, clock))

    assert not pin.pinned(_request(None))
    assert not pin.pinned(_request(f"9999999999.{signature}"))  # a later time
    assert not pin.pinned(_request(f"{until}.{'0' * 32}"))
    assert not pin.pinned(_request(until))
    assert not pin.pinned(_request(other))
    assert not pin.pinned(_request("x" * 500))
    assert PrimaryPin(b"secret", 5, clock).pinned(_request(f"{until}.{signature}"))


def test_recording_a_view_pins_nobody_and_every_other_mutation_does() -> None:
    assert not PrimaryPin.pins(frozenset({"recordView"}))
    assert PrimaryPin.pins(frozenset({"likePost"}))
    assert PrimaryPin.pins(frozenset({"recordView", "addComment"}))
