// A post (`/posts/<slug>`): sections with their stories in reading order, the like
// and reaction buttons, live counts and threaded comments with votes.
import { ApiError, request } from "../api";
import {
  COMMENT_ADDED_LIVE,
  LIKE_POST,
  POST_PAGE,
  POST_STATS_LIVE,
  REACT_TO_POST,
  RECORD_VIEW,
  UNLIKE_POST,
  UNREACT_TO_POST,
} from "../documents";
import { formatDate, h, html, plural } from "../dom";
import type {
  CommentAddedLiveSubscription,
  CommentAddedLiveSubscriptionVariables,
  LikePostMutation,
  LikePostMutationVariables,
  PostPageQuery,
  PostPageQueryVariables,
  PostStatsLiveSubscription,
  PostStatsLiveSubscriptionVariables,
  ReactToPostMutation,
  ReactToPostMutationVariables,
  RecordViewMutation,
  RecordViewMutationVariables,
  StatsFieldsFragment,
  StoryFieldsFragment,
  UnlikePostMutation,
  UnlikePostMutationVariables,
  UnreactToPostMutation,
  UnreactToPostMutationVariables,
} from "../generated/graphql";
import { subscribe } from "../live";
import { ReactionBar } from "../reactions";
import { visitorId } from "../visitor";
import { CommentThread } from "./comments";
import { renderNotFound } from "./not-found";

type Post = NonNullable<PostPageQuery["post"]>;
type Section = Post["sections"][number];

export function storyFigure(story: Pick<StoryFieldsFragment, "name" | "quote"> & Partial<StoryFieldsFragment>): HTMLElement {
  const who = story.descriptor ? `${story.name}, ${story.descriptor}` : story.name;
  return h(
    "figure",
    { class: `story${story.kind === "EXPERT" ? " story-expert" : ""}` },
    story.lead !== undefined && story.lead !== "" && h("p", { class: "story-lead" }, story.lead),
    h("blockquote", { class: "story-quote" }, h("p", {}, story.quote)),
    h("figcaption", {}, `— ${who}`),
  );
}

function sectionElement(section: Section): HTMLElement {
  return h(
    "section",
    { class: "post-section" },
    section.heading !== null && h("h2", {}, section.heading),
    ...section.blocks.map((block) =>
      block.__typename === "HtmlBlock" ? html("section-html", block.html) : storyFigure(block.story),
    ),
  );
}

/** The like and reaction buttons and the counts, kept current by the postStats
 * subscription (which also carries a comment's new votes and reactions). */
class Stats {
  readonly element: HTMLElement;
  readonly reactions: ReactionBar;
  private readonly likeButton = h("button", { type: "button", class: "like", "aria-pressed": "false" });
  private readonly likes = h("span", { class: "like-count" });
  private readonly views = h("span", { class: "view-count" });
  private readonly comments = h("span", { class: "comment-count" });
  private liked = false;

  constructor(
    private readonly postId: string,
    post: Post,
    private readonly onCommentCount: (count: number) => void,
    private readonly onComment: (stats: NonNullable<StatsFieldsFragment["comment"]>) => void,
  ) {
    this.likeButton.append("♥ ", this.likes);
    this.element = h("p", { class: "stats" }, this.likeButton, " ", this.views, " · ", this.comments);
    this.reactions = new ReactionBar("Reactions to the post", post.reactions, (kind, add) => this.react(kind, add));
    this.show({
      postId,
      likeCount: post.likeCount,
      viewCount: post.viewCount,
      commentCount: post.commentCount,
      viewerHasLiked: false,
      reactions: post.reactions,
      comment: null,
    });
    this.likeButton.addEventListener("click", () => void this.toggle());
  }

  show(stats: StatsFieldsFragment): void {
    this.reactions.show(stats.reactions);
    if (stats.comment !== null) this.onComment(stats.comment);
    this.liked = stats.viewerHasLiked;
    this.likes.textContent = String(stats.likeCount);
    this.likeButton.setAttribute("aria-pressed", String(this.liked));
    this.likeButton.setAttribute("aria-label", `${this.liked ? "Unlike" : "Like"} (${plural(stats.likeCount, "like", "likes")})`);
    this.views.textContent = plural(stats.viewCount, "view", "views");
    this.comments.textContent = plural(stats.commentCount, "comment", "comments");
    this.onCommentCount(stats.commentCount);
  }

  private async react(kind: string, add: boolean): Promise<StatsFieldsFragment["reactions"]> {
    const variables = { postId: this.postId, kind, visitorId: visitorId() };
    const stats = add
      ? (await request<ReactToPostMutation, ReactToPostMutationVariables>(REACT_TO_POST, variables)).reactToPost
      : (await request<UnreactToPostMutation, UnreactToPostMutationVariables>(UNREACT_TO_POST, variables))
          .unreactToPost;
    this.show(stats);
    return stats.reactions;
  }

  private async toggle(): Promise<void> {
    this.likeButton.disabled = true;
    const variables = { postId: this.postId, visitorId: visitorId() };
    try {
      if (this.liked) {
        const data = await request<UnlikePostMutation, UnlikePostMutationVariables>(UNLIKE_POST, variables);
        this.show(data.unlikePost);
      } else {
        const data = await request<LikePostMutation, LikePostMutationVariables>(LIKE_POST, variables);
        this.show(data.likePost);
      }
    } catch (error) {
      this.likeButton.title = error instanceof ApiError ? error.message : "The like could not be sent.";
    } finally {
      this.likeButton.disabled = false;
    }
  }
}

export async function renderPost(root: HTMLElement, slug: string): Promise<void> {
  const visitor = visitorId();
  const { post } = await request<PostPageQuery, PostPageQueryVariables>(POST_PAGE, {
    slug,
    visitorId: visitor,
    order: "OLDEST",
  });
  if (post === null) {
    renderNotFound(root, "No published post has this address.");
    return;
  }
  document.title = `${post.title} · CMS reader`;
  const thread = new CommentThread(post.id, post.comments, post.commentCount);
  const stats = new Stats(
    post.id,
    post,
    (count) => thread.setCount(count),
    (comment) => thread.commentStats(comment),
  );
  root.replaceChildren(
    h(
      "article",
      { class: "post", "data-post-id": post.id },
      h("h1", {}, post.title),
      h("p", { class: "meta" }, formatDate(post.publishedAt), post.tags.length > 0 && ` · ${post.tags.join(", ")}`),
      stats.element,
      stats.reactions.element,
      ...post.sections.map(sectionElement),
    ),
    thread.element,
  );

  // commentAdded first: when postStats answers, both are listening.
  subscribe<CommentAddedLiveSubscription, CommentAddedLiveSubscriptionVariables>(
    COMMENT_ADDED_LIVE,
    { postId: post.id, visitorId: visitor },
    (data) => thread.arrived(data.commentAdded),
  );
  subscribe<PostStatsLiveSubscription, PostStatsLiveSubscriptionVariables>(
    POST_STATS_LIVE,
    { postId: post.id, visitorId: visitor },
    (data) => {
      stats.show(data.postStats);
      stats.element.dataset["live"] = "true"; // the subscription has answered
    },
  );
  void request<RecordViewMutation, RecordViewMutationVariables>(RECORD_VIEW, { postId: post.id, visitorId: visitor })
    .then((data) => stats.show(data.recordView))
    .catch(() => undefined);
}
