// A preview link (`/preview?token=...`): a post as its editors see it, drafts included.
import { request } from "../api";
import { PREVIEW } from "../documents";
import { h, html } from "../dom";
import type { PreviewQuery, PreviewQueryVariables } from "../generated/graphql";
import { renderNotFound } from "./not-found";
import { storyFigure } from "./post";

export async function renderPreview(root: HTMLElement, params: URLSearchParams): Promise<void> {
  const token = params.get("token");
  if (token === null || token === "") {
    renderNotFound(root, "This preview link has no token.");
    return;
  }
  const { preview } = await request<PreviewQuery, PreviewQueryVariables>(PREVIEW, { token });
  if (preview === null) {
    renderNotFound(root, "This preview link leads to no post.");
    return;
  }
  document.title = `Preview: ${preview.title} · CMS reader`;
  root.replaceChildren(
    h(
      "article",
      { class: "post preview", "data-post-id": preview.id },
      h("p", { class: "preview-banner" }, `Preview · ${preview.status.toLowerCase()}`),
      h("h1", {}, preview.title),
      ...preview.sections.map((section) =>
        h("section", { class: "post-section" }, section.heading !== null && h("h2", {}, section.heading), html("section-html", section.html)),
      ),
      preview.stories.length > 0 &&
        h("section", { class: "preview-stories" }, h("h2", {}, "Stories"), ...preview.stories.map(storyFigure)),
    ),
  );
}
