"""GraphiQL served from this app's own files, so it loads without internet access.

Strawberry's page loads seven files from unpkg.com; the same files from the npm
packages (same bytes: the page's SRI hashes still hold) ship in `static/graphiql/`.
"""

from __future__ import annotations

from pathlib import Path

STATIC_DIR = Path(__file__).parent / "static"
STATIC_PATH = "/static"

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


def local_graphiql(page: str) -> str:
    """Strawberry's GraphiQL page with every unpkg.com file pointed at our copy."""
    for remote, name in _LOCAL_FILES.items():
        page = page.replace(remote, f"{STATIC_PATH}/graphiql/{name}")
    return page.replace("<title>Strawberry GraphiQL</title>", "<title>cms · GraphiQL</title>")
