"""Generated requests for every Query and Mutation field against a real `cms serve`.

Schemathesis draws documents from the committed schema (arguments of every type, nulls,
odd Unicode, NUL bytes), for an anonymous caller and for an editor. Every answer must be
a JSON GraphQL response below HTTP 500 whose errors each carry a contract code other
than INTERNAL and a message with no traceback, SQL or exception class in it; the
server's own log must hold no traceback either. The run is bounded (a fixed number of
examples per field, fixed seeds), so it sends the same requests on every run.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import asyncpg
import graphql
import httpx
import pytest
import schemathesis
from graphql.language import ast
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from schemathesis.graphql import nodes

from tests.conftest import PG_URL, _asyncpg_dsn, _run_in_thread, _with_database
from tests.processes import free_port, run_cms, wait_until_healthy
from tests.seed_article import SEED_SLUG

ROOT = Path(__file__).parents[2]
SCHEMA = schemathesis.graphql.from_path(ROOT / "schema" / "schema.graphql")

EXAMPLES_PER_FIELD = 20
REFUSED_EXAMPLES = 5
# What anonymous callers may use; every other field must refuse them.
PUBLIC = frozenset(
    {
        "node",
        "post",
        "posts",
        "stories",
        "me",
        "likePost",
        "unlikePost",
        "recordView",
        "addComment",
        "reportComment",
        "reactToPost",
        "unreactToPost",
        "reactToComment",
        "unreactToComment",
        "voteComment",
    }
)
# Far fewer requests would mean that the fields were not reached (a broken schema, a
# server that did not answer), not that they held.
MIN_REQUESTS = {"anonymous": 200, "editor": 400}

CODES = frozenset(
    {
        "BAD_USER_INPUT",
        "NOT_FOUND",
        "UNAUTHENTICATED",
        "FORBIDDEN",
        "RATE_LIMITED",
        "CONFLICT",
        "QUERY_TOO_COMPLEX",
        "INTERNAL",
    }
)
# What must never reach a client: a stack trace, SQL, an exception class or a driver.
LEAKS = re.compile(
    r"Traceback|File \"|\b(?:SELECT|INSERT|UPDATE|DELETE) |\bFROM \w|"
    r"\b[A-Z][A-Za-z]*(?:Error|Exception)\b|tortoise|asyncpg|aiosqlite|sqlite3"
)
# Deleting runs last so that the other fields still find the seeded post.
LAST = ("deleteComment", "deleteStory", "deleteSection", "deletePost")

# Values that exist on the server join the generated ones, so that generated requests
# reach past "not found" into the services: ids and strings found once the server runs.
KNOWN_IDS: dict[str, list[str]] = {}  # by node type
FIXED_STRINGS = (
    SEED_SLUG,
    "visitor-1",
    "Ada",
    "Thank you, this helped.",
    "ketamine depression",
    "HEART",
)
KNOWN_STRINGS: list[str] = list(FIXED_STRINGS)


def _known(values: list[str]) -> st.SearchStrategy[str]:
    # Deferred: the lists are filled by the server fixture, after this module is imported.
    return st.deferred(lambda: st.sampled_from(values))


def _known_id() -> st.SearchStrategy[str]:
    # A type first, then one of its ids: a Post's id as often as one of its many sections'.
    return st.deferred(
        lambda: st.sampled_from(sorted(KNOWN_IDS)).flatmap(
            lambda kind: st.sampled_from(KNOWN_IDS[kind])
        )
    )


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


_NUMBERS = st.one_of(
    st.integers(min_value=-3, max_value=40),
    st.sampled_from([0, -1, 2**31 - 1, 2**31, 2**63 - 1, 2**63, 2**64, -(2**63) - 1, 10**30]),
)
_TIMES = st.one_of(
    st.datetimes(timezones=st.none() | st.timezones()).map(datetime.isoformat),
    st.sampled_from(["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "", "now"]),
)
# Relay ids of every node type around the ids that exist, at the edges of the INT columns.
_GLOBAL_IDS = st.builds(
    lambda kind, pk: _b64(f"{kind}:{pk}"),
    st.sampled_from(["Post", "Section", "Story", "Comment", "Revision", "Editor", ""]),
    _NUMBERS | st.text(max_size=8),
)
# Cursors of our shape (base64 JSON lists) holding values of every JSON kind.
_CURSOR_VALUES = st.one_of(
    _NUMBERS,
    st.floats(),
    st.none(),
    st.booleans(),
    st.text(max_size=20),
    st.builds(lambda t: {"t": t}, _TIMES),
    st.builds(lambda t: {"t": t}, _NUMBERS),
)
_CURSORS = st.lists(_CURSOR_VALUES, max_size=3).map(lambda v: _b64(json.dumps(v)))
# Strings at and past the lengths the services accept, with NUL and markup in them.
_LONG = st.builds(
    lambda unit, n: unit * n,
    st.sampled_from(["a", "-", " ", "\x00", "é", "<b>", "ketamine "]),
    st.sampled_from([64, 65, 100, 101, 200, 201, 1000, 1001, 5000, 12000, 100_001]),
)

_PLAIN = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=30)


def _mostly(usual: st.SearchStrategy[Any], *odd: st.SearchStrategy[Any]) -> Any:
    """`usual` three draws in four, else one of `odd`: most requests get past validation."""
    return st.integers(0, 3).flatmap(lambda n: usual if n < 3 else st.one_of(*odd))


schemathesis.graphql.scalar(
    "ID", _mostly(_known_id(), _GLOBAL_IDS, st.text(max_size=40)).map(nodes.String)
)
schemathesis.graphql.scalar(
    "String",
    st.one_of(_PLAIN, _known(KNOWN_STRINGS), st.text(), _CURSORS, _LONG).map(nodes.String),
)
schemathesis.graphql.scalar(
    "Int",
    _mostly(
        st.integers(min_value=0, max_value=100),
        st.integers(min_value=-(2**31), max_value=2**31 - 1),
        st.sampled_from([-(2**31), 2**31 - 1, -1, 101]),
    ).map(nodes.Int),
)
schemathesis.graphql.scalar("DateTime", _TIMES.map(nodes.String))


@dataclass
class Server:
    base_url: str
    log: Path
    editor_token: str
    sent: Counter[str] = field(default_factory=Counter)
    answers: defaultdict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def _post(base: str, query: str, token: str, variables: dict[str, Any] | None = None) -> Any:
    response = httpx.post(
        f"{base}/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


_EXISTING = """
query {
  posts(first: 1) { pageInfo { endCursor } edges { node {
    id slug tags sections { id } stories { id } revisions { id }
    comments(first: 20) { pageInfo { endCursor } edges { node { id } } }
  } } }
  stories(first: 1) { pageInfo { endCursor } }
  moderationQueue(first: 1, status: APPROVED) { pageInfo { endCursor } }
}
"""


def _learn_existing_values(base: str, token: str) -> None:
    """Give the post a revision, then note every id and slug the server holds."""
    post = _post(base, f"{{ post(slug: {json.dumps(SEED_SLUG)}) {{ id title }} }}", token)["post"]
    _post(
        base,
        "mutation($id: ID!, $t: String!) { updatePost(id: $id, input: {title: $t}) { id } }",
        token,
        {"id": post["id"], "t": post["title"] + " (revised)"},
    )
    existing = _post(base, _EXISTING, token)
    for connection in ("posts", "stories", "moderationQueue"):
        KNOWN_STRINGS.append(existing[connection]["pageInfo"]["endCursor"])
    for edge in existing["posts"]["edges"]:
        node = edge["node"]
        KNOWN_STRINGS.append(node["comments"]["pageInfo"]["endCursor"])
        KNOWN_IDS.setdefault("Post", []).append(node["id"])
        KNOWN_STRINGS.append(node["slug"])
        KNOWN_STRINGS.extend(node["tags"])
        for kind, key in (("Section", "sections"), ("Story", "stories"), ("Revision", "revisions")):
            KNOWN_IDS.setdefault(kind, []).extend(item["id"] for item in node[key])
        comments = [item["node"]["id"] for item in node["comments"]["edges"]]
        KNOWN_IDS.setdefault("Comment", []).extend(comments)
    KNOWN_STRINGS.append((ROOT / "seeds" / "ketamine-therapy.txt").read_text(encoding="utf-8"))


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A fresh migrated database for the module's server, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        database = tmp_path_factory.mktemp("fuzzing") / "cms.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), database)
        yield f"sqlite://{database}"
        return
    template = request.getfixturevalue("postgres_template")
    assert PG_URL is not None
    name = f"cms_fuzzing_{uuid.uuid4().hex[:12]}"
    _run_in_thread(lambda: _admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    yield _with_database(PG_URL, name)
    _run_in_thread(lambda: _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _admin(sql: str) -> None:
    assert PG_URL is not None
    connection = await asyncpg.connect(_asyncpg_dsn(PG_URL))
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@pytest.fixture(scope="module")
def server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`cms serve` on a seeded database, its output in a file; an editor's token."""
    env = {
        **os.environ,
        "CMS_DATABASE_URL": database_url,
        "CMS_PORT": str(free_port()),
        # Generous rates so that generated writes reach the services instead of the limiter
        # (RATE_LIMITED itself is tested with the limits' own tests).
        "CMS_COMMENT_RATE": "100000/minute",
        "CMS_LIKE_RATE": "100000/minute",
        "CMS_VIEW_RATE": "100000/minute",
    }
    run_cms(["seed"], env)
    token = run_cms(["token", "create", "--name", "fuzzing-editor", "--role", "editor"], env)
    token = token.strip()
    log = tmp_path_factory.mktemp("fuzzing-log") / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "cms", "serve"],
            env=env,
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{env['CMS_PORT']}"
    KNOWN_IDS.clear()
    del KNOWN_STRINGS[len(FIXED_STRINGS) :]
    try:
        wait_until_healthy(process, base, log)
        _learn_existing_values(base, token)
        yield Server(base_url=base, log=log, editor_token=token)
    finally:
        process.terminate()
        process.wait(timeout=30)


def _problems(status: int, content: bytes, field_name: str, refused: bool) -> list[str]:
    """What is wrong with one answer, as a person reading it would say; with `refused`,
    the field is one the caller may not use, so it must answer null with an error."""
    if status >= 500:
        return [f"HTTP {status}: {content[:300]!r}"]
    try:
        body = json.loads(content)
    except ValueError:
        return [f"HTTP {status} with a body that is not JSON: {content[:300]!r}"]
    if not isinstance(body, dict) or not ({"data", "errors"} & body.keys()):
        return [f"HTTP {status} with no data and no errors: {content[:300]!r}"]
    problems = []
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        message = str(error.get("message", ""))
        if code not in CODES:
            problems.append(f"error without a contract code ({code!r}): {message[:300]}")
        elif code == "INTERNAL":
            problems.append(f"INTERNAL at {error.get('path')}: {message[:300]}")
        if leak := LEAKS.search(message):
            problems.append(f"message shows {leak.group()!r}: {message[:300]}")
    if refused and (not body.get("errors") or (body.get("data") or {}).get(field_name)):
        problems.append(f"an anonymous caller was answered: {content[:300]!r}")
    return problems


# Arguments and input fields that take the id of one node type (`id` takes its field's).
ID_ARGUMENTS = {"postId": "Post", "sectionId": "Section", "parentId": "Comment"}


class _RightTypedIds(graphql.Visitor):
    """Swaps a known id given where another type's id is expected for a known id of that
    type, so that generated requests name real objects; other values stay as drawn."""

    def __init__(self, field_name: str) -> None:
        super().__init__()
        kinds = [kind for kind in KNOWN_IDS if field_name.endswith(kind)]
        self.own = kinds[0] if kinds else None
        self.known = {
            value: (kind, index)
            for kind, values in KNOWN_IDS.items()
            for index, value in enumerate(values)
        }

    def _swapped(self, name: str, value: ast.ValueNode) -> ast.StringValueNode | None:
        wanted = ID_ARGUMENTS.get(name, self.own if name == "id" else None)
        if wanted is None or not isinstance(value, ast.StringValueNode):
            return None
        kind, index = self.known.get(value.value, (wanted, 0))
        if kind == wanted:
            return None
        choices = KNOWN_IDS[wanted]
        return ast.StringValueNode(value=choices[index % len(choices)])

    def enter_argument(self, node: ast.ArgumentNode, *_: Any) -> ast.ArgumentNode | None:
        value = self._swapped(node.name.value, node.value)
        return None if value is None else ast.ArgumentNode(name=node.name, value=value)

    def enter_object_field(self, node: ast.ObjectFieldNode, *_: Any) -> ast.ObjectFieldNode | None:
        value = self._swapped(node.name.value, node.value)
        return None if value is None else ast.ObjectFieldNode(name=node.name, value=value)


def _with_right_typed_ids(body: str, field_name: str) -> str:
    return graphql.print_ast(graphql.visit(graphql.parse(body), _RightTypedIds(field_name)))


@pytest.mark.parametrize(
    ("status", "content", "problem"),
    [
        (500, b"Internal Server Error", "HTTP 500: b'Internal Server Error'"),
        (404, b"Not Found", "HTTP 404 with a body that is not JSON: b'Not Found'"),
        (200, b"[]", "HTTP 200 with no data and no errors: b'[]'"),
        (200, b'{"data": null, "errors": [{"message": "x"}]}', "error without a contract code"),
        (200, b'{"errors": [{"message": "x", "extensions": {"code": "INTERNAL"}}]}', "INTERNAL"),
        (
            400,
            b'{"errors": [{"message": "IntegrityError: x", "extensions": {"code": "CONFLICT"}}]}',
            "message shows 'IntegrityError'",
        ),
        (
            400,
            b'{"errors": [{"message": "in SELECT * FROM post", "extensions": {"code": "X"}}]}',
            "message shows 'SELECT '",
        ),
    ],
)
def test_the_checks_see_what_no_client_should_get(
    status: int, content: bytes, problem: str
) -> None:
    problems = _problems(status, content, "post", refused=False)

    assert any(found.startswith(problem) for found in problems), problems


def test_the_checks_pass_coded_refusals_and_see_an_answered_anonymous_caller() -> None:
    refusal = b'{"data": null, "errors": [{"message": "No.", "extensions": {"code": "FORBIDDEN"}}]}'
    answered = b'{"data": {"moderationQueue": {"totalCount": 3}}}'

    assert _problems(200, refusal, "moderationQueue", refused=True) == []
    assert _problems(200, answered, "moderationQueue", refused=True) == [
        f"an anonymous caller was answered: {answered!r}"
    ]


def _codes(content: bytes) -> list[str]:
    body = json.loads(content)
    return [(e.get("extensions") or {}).get("code") for e in body.get("errors") or []] or ["ok"]


def _operations() -> list[Any]:
    operations = [result.ok() for result in SCHEMA.get_all_operations()]
    return sorted(operations, key=lambda op: LAST.index(_name(op)) + 1 if _name(op) in LAST else 0)


def _name(operation: Any) -> str:
    return str(operation.label).rsplit(".", 1)[-1]


def _run_field(operation: Any, server: Server, role: str) -> list[str]:
    """Send the field's generated examples; the problems of the first bad answer, shrunk."""
    anonymous = role == "anonymous"
    headers = {} if anonymous else {"Authorization": f"Bearer {server.editor_token}"}
    refused = anonymous and _name(operation) not in PUBLIC
    found: list[str] = []

    @seed(zlib.crc32(f"{role} {operation.label}".encode()))
    @settings(
        # A refusal is the same whatever the input: a few examples show it.
        max_examples=REFUSED_EXAMPLES if refused else EXAMPLES_PER_FIELD,
        deadline=None,
        database=None,
        phases=(Phase.explicit, Phase.generate, Phase.shrink),
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(case=operation.as_strategy())
    def check(case: Any) -> None:
        case.body = _with_right_typed_ids(case.body, _name(operation))
        response = case.call(base_url=f"{server.base_url}/graphql", headers=headers, timeout=30)
        server.sent[role] += 1
        problems = _problems(response.status_code, response.content, _name(operation), refused)
        if problems:
            found[:] = [f"{operation.label} {case.body!r}", *problems]
        else:
            server.answers[role].update(_codes(response.content))
        assert not problems, problems

    try:
        check()
    except AssertionError:
        return found
    return []


@pytest.mark.slow
@pytest.mark.parametrize("role", ["anonymous", "editor"])
def test_generated_requests_get_coded_answers_and_no_server_error(
    server: Server, role: str, record_property: Callable[[str, object], None]
) -> None:
    started = time.monotonic()

    failures = [
        problems for operation in _operations() if (problems := _run_field(operation, server, role))
    ]

    took = time.monotonic() - started
    record_property("requests", server.sent[role])
    print(f"\n{role}: {server.sent[role]} requests in {took:.0f} s: {dict(server.answers[role])}")
    assert failures == []
    assert server.sent[role] >= MIN_REQUESTS[role]
    assert "Traceback" not in server.log_text()
