"""`cms serve` closes connections whose request headers or body do not arrive in time."""

from __future__ import annotations

import json
import os
import select
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.processes import free_port, wait_until_healthy

ROOT = Path(__file__).parents[2]
HEADER_TIMEOUT = "The request's headers did not arrive within 1 s."
BODY_TIMEOUT = "The request body did not arrive within 1 s: send it at once."
QUERY = b'{"query": "{ __typename }"}'


@pytest.fixture(scope="module")
def server(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, int]]:
    """`cms serve` with a 1 s header and body deadline and keep-alive; yields its host and
    port."""
    database = tmp_path_factory.mktemp("serve") / "cms.sqlite3"
    shutil.copy(sqlite_template, database)
    port = free_port()
    env = {
        **os.environ,
        "CMS_DATABASE_URL": f"sqlite://{database}",
        "CMS_PORT": str(port),
        "CMS_HEADER_TIMEOUT_S": "1",
        "CMS_BODY_TIMEOUT_S": "1",
        "CMS_KEEP_ALIVE_TIMEOUT_S": "1",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "cms", "serve"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_healthy(process, f"http://127.0.0.1:{port}")
        yield "127.0.0.1", port
    finally:
        process.terminate()
        process.wait(timeout=20)


def read_until_closed(sock: socket.socket, limit_s: float = 15) -> bytes:
    """Everything the server sends until it closes; fails if it keeps the socket open."""
    sock.settimeout(limit_s)
    received = b""
    while chunk := sock.recv(4096):
        received += chunk
    return received


def test_headers_sent_a_byte_at_a_time_are_cut_off(server: tuple[str, int]) -> None:
    request = b"GET /healthz HTTP/1.1\r\nHost: cms\r\nX-Slow: " + b"x" * 200
    with socket.create_connection(server) as sock:
        sent = 0
        # One byte every 0.1 s would take 20 s: the server must not wait for the end.
        while sent < len(request) and not select.select([sock], [], [], 0.1)[0]:
            sock.sendall(request[sent : sent + 1])
            sent += 1
            if sent == 5:
                other = httpx.get(f"http://{server[0]}:{server[1]}/healthz", timeout=5)
        answer = read_until_closed(sock)

    assert other.status_code == 200  # served while the slow request was pending
    assert sent < len(request)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408 Request Timeout\r\n")
    assert json.loads(body) == {
        "errors": [{"message": HEADER_TIMEOUT, "extensions": {"code": "BAD_USER_INPUT"}}]
    }


def test_a_second_request_whose_headers_stall_on_a_kept_connection_is_cut_off(
    server: tuple[str, int],
) -> None:
    with socket.create_connection(server) as sock:
        sock.settimeout(5)
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: cms\r\n\r\n")
        first = _read_answer(sock)
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: cms\r\nX-Slow: x")
        answer = read_until_closed(sock)

    assert first.startswith(b"HTTP/1.1 200 OK\r\n")
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408 Request Timeout\r\n")
    assert json.loads(body)["errors"][0]["message"] == HEADER_TIMEOUT


def test_a_connection_that_sends_nothing_is_closed(server: tuple[str, int]) -> None:
    with socket.create_connection(server) as sock:
        assert read_until_closed(sock) == b""


def test_an_idle_keep_alive_connection_is_closed_after_its_timeout(
    server: tuple[str, int],
) -> None:
    with socket.create_connection(server) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: cms\r\n\r\n")
        answer = read_until_closed(sock)

    assert answer.startswith(b"HTTP/1.1 200 OK\r\n")


def _post_head(length: int) -> bytes:
    return (
        b"POST /graphql HTTP/1.1\r\nHost: cms\r\nContent-Type: application/json\r\n"
        b"Content-Length: " + str(length).encode() + b"\r\n\r\n"
    )


def _read_answer(sock: socket.socket) -> bytes:
    """One HTTP answer with a Content-Length, head and body, off a kept connection."""
    received = b""
    while b"\r\n\r\n" not in received:
        received += sock.recv(65536)
    head = received.partition(b"\r\n\r\n")[0].lower()
    length = int(head.split(b"content-length: ")[1].split(b"\r\n")[0])
    while len(received) < len(head) + 4 + length:
        received += sock.recv(65536)
    return received


def test_a_body_that_stops_arriving_is_cut_off_with_408(server: tuple[str, int]) -> None:
    with socket.create_connection(server) as sock:
        sock.sendall(_post_head(len(QUERY)) + QUERY[:10])
        other = httpx.post(
            f"http://{server[0]}:{server[1]}/graphql",
            content=QUERY,
            headers={"Content-Type": "application/json"},
            timeout=5,
        )
        answer = read_until_closed(sock)

    assert other.json() == {"data": {"__typename": "Query"}}
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408 Request Timeout\r\n")
    assert b"connection: close" in head.lower()
    assert json.loads(body) == {
        "errors": [{"message": BODY_TIMEOUT, "extensions": {"code": "BAD_USER_INPUT"}}]
    }


def test_a_body_sent_after_its_headers_in_time_is_answered_on_a_kept_connection(
    server: tuple[str, int],
) -> None:
    with socket.create_connection(server) as sock:
        sock.settimeout(5)
        answers = []
        for _ in range(2):
            sock.sendall(_post_head(len(QUERY)))
            select.select([sock], [], [], 0.6)  # past half the deadline: nothing comes back
            sock.sendall(QUERY)
            answers.append(_read_answer(sock))

    assert all(answer.startswith(b"HTTP/1.1 200 OK\r\n") for answer in answers)
    assert all(answer.endswith(b'{"data":{"__typename":"Query"}}') for answer in answers)
