// The feed (`/`) and search (`/?q=words`): pages of published posts, by cursor
// (`?after=<cursor>` for older posts, `?before=<cursor>` for newer ones).
import { request } from "../api";
import { FEED } from "../documents";
import { formatDate, h, plural } from "../dom";
import type { FeedQuery, FeedQueryVariables } from "../generated/graphql";

const PAGE_SIZE = 10;

export async function renderFeed(root: HTMLElement, params: URLSearchParams): Promise<void> {
  const search = params.get("q")?.trim() || null;
  const after = params.get("after");
  const before = params.get("before");
  const variables: FeedQueryVariables =
    before !== null
      ? { last: PAGE_SIZE, before, search }
      : { first: PAGE_SIZE, after, search };
  const { posts } = await request<FeedQuery, FeedQueryVariables>(FEED, variables);

  const searchBox = document.querySelector<HTMLInputElement>(".search input[name=q]");
  if (searchBox !== null && search !== null) searchBox.value = search;
  document.title = search === null ? "CMS reader" : `“${search}” · CMS reader`;

  const heading =
    search === null
      ? h("h1", {}, "Latest posts")
      : h("h1", {}, `${plural(posts.totalCount, "result", "results")} for “${search}”`);
  const items = posts.edges.map(({ node }) =>
    h(
      "li",
      { class: "feed-item" },
      h("h2", {}, h("a", { href: `/posts/${encodeURIComponent(node.slug)}` }, node.title)),
      h("p", { class: "meta" }, formatDate(node.publishedAt), node.tags.length > 0 && ` · ${node.tags.join(", ")}`),
      node.excerpt !== "" && h("p", { class: "excerpt" }, node.excerpt),
      h(
        "p",
        { class: "counts" },
        `${plural(node.likeCount, "like", "likes")} · ${plural(node.commentCount, "comment", "comments")}`,
      ),
    ),
  );
  const link = (name: string, cursor: string | null, label: string): HTMLAnchorElement | null => {
    if (cursor === null) return null;
    const next = new URLSearchParams();
    if (search !== null) next.set("q", search);
    next.set(name, cursor);
    return h("a", { href: `/?${next.toString()}`, rel: name === "after" ? "next" : "prev" }, label);
  };
  const { pageInfo } = posts;
  // Moving back from an `after` page or forward from a `before` page is always possible.
  const hasNewer = before !== null ? pageInfo.hasPreviousPage : after !== null;
  const hasOlder = before !== null ? true : pageInfo.hasNextPage;
  root.replaceChildren(
    heading,
    items.length > 0
      ? h("ol", { class: "feed" }, ...items)
      : h("p", { class: "empty" }, search === null ? "Nothing published yet." : "No post matches."),
    h(
      "nav",
      { class: "pager", "aria-label": "Pages" },
      hasNewer && link("before", pageInfo.startCursor, "← Newer posts"),
      hasOlder && link("after", pageInfo.endCursor, "Older posts →"),
    ),
  );
}
