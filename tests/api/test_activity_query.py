"""Post.activity, posts(orderBy: TRENDING) and topPosts through the HTTP endpoint."""

from __future__ import annotations

from datetime import date, timedelta

import httpx

from cms.api.ids import encode_id
from cms.enums import PostStatus
from cms.models import PostActivity
from cms.services import activity
from tests.conftest import error_codes, graphql
from tests.factories import make_post, make_token

ACTIVITY = """
query Activity($slug: String!, $from: DateTime!, $to: DateTime!, $every: ActivityInterval!) {
  post(slug: $slug) {
    title
    activity(from: $from, to: $to, every: $every) {
      start views likes comments reactions botViews
    }
  }
}
"""

FEED_ACTIVITY = """
query ($from: DateTime!, $to: DateTime!) {
  posts(first: 20) { edges { node { activity(from: $from, to: $to) { views } } } }
}
"""

TRENDING = """
query ($first: Int, $after: String) {
  posts(first: $first, after: $after, orderBy: TRENDING) {
    edges { node { title } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

TOP = """
query ($metric: ActivityMetric!, $from: DateTime!, $to: DateTime!, $first: Int!) {
  topPosts(metric: $metric, from: $from, to: $to, first: $first) { total post { title } }
}
"""

VIEW = """
mutation View($postId: ID!, $visitorId: String) {
  recordView(postId: $postId, visitorId: $visitorId) { viewCount }
}
"""

JAN = {"from": "2026-01-01T08:00:00Z", "to": "2026-01-05T23:59:59Z"}


def day(n: int) -> date:
    return date(2026, 1, n)


def bucket(
    start: str, views: int = 0, likes: int = 0, bots: int | None = None
) -> dict[str, object]:
    return {
        "start": f"{start}T00:00:00+00:00",
        "views": views,
        "likes": likes,
        "comments": 0,
        "reactions": 0,
        "botViews": bots,
    }


async def test_days_without_activity_read_as_zeros_and_bots_show_to_editors_only(
    client: httpx.AsyncClient,
) -> None:
    post = await make_post("Charted")
    await activity.record_activity(post.id, day(2), views=7, likes=1, bot_views=4)
    await activity.record_activity(post.id, day(4), views=3)
    await activity.record_activity(post.id, day(6), views=100)  # after the range
    variables = {"slug": post.slug, **JAN, "every": "DAY"}

    public = await graphql(client, ACTIVITY, variables)
    editor = await graphql(client, ACTIVITY, variables, token=await make_token())

    assert public["data"]["post"]["activity"] == [
        bucket("2026-01-01"),
        bucket("2026-01-02", views=7, likes=1),
        bucket("2026-01-03"),
        bucket("2026-01-04", views=3),
        bucket("2026-01-05"),
    ]
    assert [b["botViews"] for b in editor["data"]["post"]["activity"]] == [0, 4, 0, 0, 0]


async def test_weeks_start_on_monday_and_months_on_the_first_clipped_to_the_range(
    client: httpx.AsyncClient,
) -> None:
    post = await make_post("Weekly")
    for n in (1, 4, 5, 12, 31):
        await activity.record_activity(post.id, day(n), views=n)
    await activity.record_activity(post.id, date(2026, 2, 1), views=1000)
    span = {"from": "2026-01-01T00:00:00Z", "to": "2026-02-01T00:00:00Z"}

    weeks = await graphql(client, ACTIVITY, {"slug": post.slug, **span, "every": "WEEK"})
    months = await graphql(client, ACTIVITY, {"slug": post.slug, **span, "every": "MONTH"})

    # 2026-01-01 is a Thursday: its week in the range is the 1st to the 4th (a Sunday).
    assert [(b["start"][:10], b["views"]) for b in weeks["data"]["post"]["activity"]] == [
        ("2026-01-01", 1 + 4),
        ("2026-01-05", 5),
        ("2026-01-12", 12),
        ("2026-01-19", 0),
        ("2026-01-26", 31 + 1000),  # Monday to Sunday the 1st of February
    ]
    assert [(b["start"][:10], b["views"]) for b in months["data"]["post"]["activity"]] == [
        ("2026-01-01", 1 + 4 + 5 + 12 + 31),
        ("2026-02-01", 1000),
    ]


async def test_a_range_longer_than_366_days_or_reversed_is_refused(
    client: httpx.AsyncClient,
) -> None:
    post = await make_post("Refused")
    long = {"from": "2025-01-01T00:00:00Z", "to": "2026-01-02T00:00:00Z"}
    reversed_ = {"from": "2026-01-02T00:00:00Z", "to": "2026-01-01T00:00:00Z"}
    longest = {"from": "2025-01-01T00:00:00Z", "to": "2026-01-01T23:00:00Z"}

    refused = [
        await graphql(client, ACTIVITY, {"slug": post.slug, **span, "every": "DAY"})
        for span in (long, reversed_)
    ]
    allowed = await graphql(client, ACTIVITY, {"slug": post.slug, **longest, "every": "DAY"})

    assert [error_codes(body) for body in refused] == [["BAD_USER_INPUT"], ["BAD_USER_INPUT"]]
    assert refused[0]["errors"][0]["message"].startswith("The range covers 367 days; at most 366")
    assert len(allowed["data"]["post"]["activity"]) == 366


async def test_activity_costs_one_statement_for_a_post_and_one_for_a_whole_feed(
    client: httpx.AsyncClient,
) -> None:
    for n in range(20):
        post = await make_post(f"Fed {n}")
        await activity.record_activity(post.id, day(3), views=n)
    first = await make_post("Alone")

    page = await graphql(client, ACTIVITY, {"slug": first.slug, **JAN, "every": "DAY"})
    feed = await graphql(client, FEED_ACTIVITY, JAN)

    # the post by slug, then its buckets
    assert page["extensions"]["sql"]["count"] == 2
    # the feed page, then every post's buckets
    assert feed["extensions"]["sql"]["count"] == 2
    views = sorted(
        sum(b["views"] for b in e["node"]["activity"]) for e in feed["data"]["posts"]["edges"]
    )
    assert views == [0, *range(1, 20)]


async def test_trending_orders_by_the_windows_score_and_pages_by_cursor(
    client: httpx.AsyncClient,
) -> None:
    today = activity.utc_day()
    scores = {"Calm": 1, "Hot": 50, "Warm": 20, "Tied A": 20, "Cold": 0}
    for title, views in scores.items():
        post = await make_post(title)
        if views:
            await activity.record_activity(post.id, today, views=views)
    draft = await make_post("Hidden draft", status=PostStatus.DRAFT)
    await activity.record_activity(draft.id, today, views=999)
    old = await make_post("Old news")
    await activity.record_activity(old.id, today - timedelta(days=30), views=999)

    first = await graphql(client, TRENDING, {"first": 3})
    cursor = first["data"]["posts"]["pageInfo"]["endCursor"]
    rest = await graphql(client, TRENDING, {"first": 10, "after": cursor})

    titles = [e["node"]["title"] for e in first["data"]["posts"]["edges"]]
    later = [e["node"]["title"] for e in rest["data"]["posts"]["edges"]]
    # Equal scores: the newer post (higher id) first.
    assert titles == ["Hot", "Tied A", "Warm"]
    assert first["data"]["posts"]["pageInfo"]["hasNextPage"] is True
    # Thirty days ago is outside the window: "Old news" scores 0 like "Cold", and is newer.
    assert later == ["Calm", "Old news", "Cold"]
    assert rest["data"]["posts"]["pageInfo"]["hasNextPage"] is False


async def test_top_posts_rank_editors_a_range_and_refuse_anyone_else(
    client: httpx.AsyncClient,
) -> None:
    await make_post("Quiet")
    busy, busiest = await make_post("Busy"), await make_post("Busiest")
    await activity.record_activity(busy.id, day(2), views=30, likes=2)
    await activity.record_activity(busiest.id, day(3), views=20)
    await activity.record_activity(busiest.id, day(5), views=20)
    await activity.record_activity(busiest.id, day(9), views=500)  # after the range
    draft = await make_post("Draft", status=PostStatus.DRAFT)
    await activity.record_activity(draft.id, day(1), views=1)
    variables = {"metric": "VIEWS", **JAN, "first": 2}
    buckets_before = await PostActivity.all().count()

    anonymous = await graphql(client, TOP, variables)
    editor = await graphql(client, TOP, variables, token=await make_token())
    by_likes = await graphql(
        client, TOP, {**variables, "metric": "LIKES"}, token=await make_token()
    )
    too_many = await graphql(client, TOP, {**variables, "first": 101}, token=await make_token())

    assert error_codes(anonymous) == ["UNAUTHENTICATED"]
    assert anonymous["data"] is None
    assert editor["data"]["topPosts"] == [
        {"total": 40, "post": {"title": "Busiest"}},
        {"total": 30, "post": {"title": "Busy"}},
    ]
    assert by_likes["data"]["topPosts"] == [{"total": 2, "post": {"title": "Busy"}}]
    assert error_codes(too_many) == ["BAD_USER_INPUT"]
    assert await PostActivity.all().count() == buckets_before


async def test_a_crawlers_view_leaves_view_count_as_it_is(client: httpx.AsyncClient) -> None:
    post = await make_post("Crawled")
    variables = {"postId": encode_id("Post", post.id), "visitorId": None}
    googlebot = {
        "User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
    }

    crawled = await client.post(
        "/graphql", json={"query": VIEW, "variables": variables}, headers=googlebot
    )
    read = await client.post(
        "/graphql",
        json={"query": VIEW, "variables": {**variables, "visitorId": "person"}},
        headers={
            "User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
        },
    )

    assert crawled.json()["data"]["recordView"] == {"viewCount": 0}
    assert read.json()["data"]["recordView"] == {"viewCount": 1}


WIDE_FEED = """
query ($from: DateTime!, $to: DateTime!) {
  posts(first: 100) { edges { node { activity(from: $from, to: $to) { start views likes } } } }
}
"""

WEEK_FEED = """
{
  posts(first: 100) {
    edges { node { activity(from: "2026-01-01T00:00:00Z", to: "2026-01-07T00:00:00Z") {
      start views likes
    } } }
  }
}
"""


async def test_the_cost_rule_counts_the_buckets_a_range_can_hold(
    client: httpx.AsyncClient,
) -> None:
    await make_post("Costed")

    # A variable range counts as 366 days: 100 posts × 366 buckets × 3 fields.
    wide = await graphql(client, WIDE_FEED, JAN)
    week = await graphql(client, WEEK_FEED)

    assert error_codes(wide) == ["QUERY_TOO_COMPLEX"]
    assert "data" not in wide or wide["data"] is None
    assert "errors" not in week, week
    assert len(week["data"]["posts"]["edges"][0]["node"]["activity"]) == 7
