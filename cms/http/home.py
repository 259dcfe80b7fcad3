"""`/`: a small page saying what this server is, with its addresses."""

from __future__ import annotations

from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse

from cms.runtime import Runtime

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>cms · headless CMS</title>
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 3rem auto;
  padding: 0 1rem; color: #222; }}
code {{ background: #f3f3f3; padding: 0 .25rem; }}
li {{ margin: .25rem 0; }}
</style>
</head>
<body>
<h1>cms</h1>
<p>A headless CMS: posts, sections, stories and comments served over a GraphQL API.
This server has no pages of its own for readers; the reading site is separate.</p>
<ul>
<li><a href="/graphql">GraphiQL</a> — try queries at <code>/graphql</code> (POST or GET;
subscriptions over WebSocket at the same address)</li>
<li><a href="{site}">The reading site</a> — <code>{site}</code></li>
<li><a href="/feed.xml">Atom feed</a> of the newest posts and the
<a href="/sitemap.xml">sitemap</a></li>
<li><a href="/healthz">/healthz</a> (liveness) and <a href="/readyz">/readyz</a>
(database, migrations, Redis)</li>
</ul>
<p>Documentation: <code>README.md</code> and <code>docs/</code> in the source, and
<code>schema/schema.graphql</code> for the whole API.</p>
</body>
</html>
"""


async def home(request: Request) -> HTMLResponse:
    runtime: Runtime = request.app.state.runtime
    site = escape(runtime.settings.site_url, quote=True)
    return HTMLResponse(_PAGE.format(site=site), headers={"Cache-Control": "public, max-age=300"})
