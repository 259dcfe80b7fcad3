"""GraphiQL served from this app's own files, so it loads without internet access.

Strawberry's page loads seven files from unpkg.com; the same files from the npm
packages (same bytes: the page's SRI hashes still hold) ship in `static/graphiql/`.
GraphiQL's bundle includes the `graphql-ws` client: the page hands it `subscriptionUrl`
(this address with ws:// or wss://), so subscriptions run over WebSocket
(`graphql-transport-ws`), with the Headers pane sent as the connection's parameters.
The page opens on a query of the demo post, and headers (tokens) are not kept in the
browser's storage.
"""

from __future__ import annotations

import re
from pathlib import Path

STATIC_DIR = Path(__file__).parent / "static"
STATIC_PATH = "/static"
DEMO_SLUG = "ketamine-therapy-can-change-your-life-work-with-a-therapist-today"
DEFAULT_QUERY = f"""# cms: the GraphQL API. Run: Ctrl-Enter or the play button.
# Editors: {{"Authorization": "Bearer cms_..."}} in Headers
# (not kept once the page closes). Docs: the book icon.

# The demo post (`cms seed`):
query DemoPost {{
  post(slug: "{DEMO_SLUG}") {{
    id
    title
    publishedAt
    likeCount
    commentCount
    sections {{ heading html }}
    stories {{ kind name quote }}
    comments(first: 3) {{ edges {{ node {{ author body }} }} }}
  }}
}}

# Live over WebSocket: Variables {{"postId": "<its id>"}},
# run this, then like the post (likePost) in another tab.
subscription DemoStats($postId: ID!) {{
  postStats(postId: $postId) {{ likeCount viewCount commentCount }}
}}
"""

_LOCAL_FILES = {
    "https://unpkg.com/react@18.2.0/umd/react.production.min.js": "react.production.min.js",
    "https://unpkg.com/react-dom@18.2.0/umd/react-dom.production.min.js": (
        "react-dom.production.min.js"
    ),
    "https://unpkg.com/js-cookie@3.0.5/dist/js.cookie.min.js": "js.cookie.min.js",
    "https://unpkg.com/graphiql@3.8.3/graphiql.min.css": "graphiql.min.css",
    "https://unpkg.com/@graphiql/plugin-explorer@1.0.2/dist/style.css": "plugin-explorer.css",
    "https://unpkg.com/graphiql@3.8.3/graphiql.min.js": "graphiql.min.js",
    "https://unpkg.com/@graphiql/plugin-explorer@1.0.2/dist/index.umd.js": (
        "plugin-explorer.umd.js"
    ),
}
_EXAMPLE_QUERY = re.compile(r"const EXAMPLE_QUERY = `.*?`;", re.DOTALL)
# What the page must hold for the changes below to mean anything.
_EXPECTED = ("subscriptionUrl,", "shouldPersistHeaders: true", "const EXAMPLE_QUERY = `")


def _js_template(text: str) -> str:
    return "`" + text.replace("\\", "\\\\").replace("`", "\\`").replace("${", "\\${") + "`"


def local_graphiql(page: str) -> str:
    """Strawberry's GraphiQL page with every unpkg.com file pointed at our copy, the demo
    query, and headers kept for the page's life only.

    Raises RuntimeError when Strawberry's page no longer has what is replaced here.
    """
    missing = [marker for marker in (*_LOCAL_FILES, *_EXPECTED) if marker not in page]
    if missing:
        raise RuntimeError(f"Strawberry's GraphiQL page changed; not found: {missing}")
    for remote, name in _LOCAL_FILES.items():
        page = page.replace(remote, f"{STATIC_PATH}/graphiql/{name}")
    query = f"const EXAMPLE_QUERY = {_js_template(DEFAULT_QUERY)};"
    page = _EXAMPLE_QUERY.sub(lambda _: query, page, count=1)
    page = page.replace("shouldPersistHeaders: true", "shouldPersistHeaders: false")
    return page.replace("<title>Strawberry GraphiQL</title>", "<title>cms · GraphiQL</title>")
