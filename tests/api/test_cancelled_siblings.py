"""A field error that cancels its siblings leaves the rest of the answer intact.

graphql-core cancels the pending sibling fields of a field that fails under a non-null
parent. Two parts of one query asking for the same row share one DataLoader future: the
cancellation of one asker must not reach the other, who would otherwise end the whole
request with a 500.
"""

from __future__ import annotations

import httpx

from tests.conftest import error_codes, graphql
from tests.factories import make_post

QUERY = """
query Twice($slug: String!) {
  intact: post(slug: $slug) { tags }
  failing: post(slug: $slug) { tags comments(first: 2, after: "not-a-cursor") { totalCount } }
}
"""


async def test_a_failing_sibling_does_not_cancel_a_shared_load(client: httpx.AsyncClient) -> None:
    post = await make_post(tags=["care", "stories"])

    body = await graphql(client, QUERY, {"slug": post.slug})

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["data"] == {"intact": {"tags": ["care", "stories"]}, "failing": None}
