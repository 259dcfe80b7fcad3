// Routes by path: `/` (feed and `?q=` search), `/posts/<slug>`, `/preview?token=`.
import "./style.css";
import { ApiError } from "./api";
import { h } from "./dom";
import { renderFeed } from "./pages/feed";
import { renderNotFound } from "./pages/not-found";
import { renderPost } from "./pages/post";
import { renderPreview } from "./pages/preview";

async function route(root: HTMLElement): Promise<void> {
  const { pathname, search } = window.location;
  const params = new URLSearchParams(search);
  const post = /^\/posts\/([^/]+)\/?$/.exec(pathname);
  if (pathname === "/" || pathname === "/index.html") return renderFeed(root, params);
  if (post?.[1] !== undefined) return renderPost(root, decodeURIComponent(post[1]));
  if (pathname === "/preview") return renderPreview(root, params);
  renderNotFound(root, "This page does not exist.");
}

const root = document.getElementById("app");
if (root !== null) {
  root.replaceChildren(h("p", { class: "loading" }, "Loading…"));
  route(root).catch((error: unknown) => {
    const message = error instanceof ApiError ? error.message : "The CMS could not be reached.";
    root.replaceChildren(h("h1", {}, "Something went wrong"), h("p", { class: "error" }, message));
  });
}
