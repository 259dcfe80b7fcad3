// Threaded comments: pages of a post's approved comments in the order the reader picks
// (oldest, newest, top), replies loaded on demand, votes and reactions on each, a form
// for a new comment or a reply, and comments arriving live.
import { ApiError, request } from "../api";
import {
  ADD_COMMENT,
  MORE_COMMENTS,
  REACT_TO_COMMENT,
  REPLIES,
  UNREACT_TO_COMMENT,
  VOTE_COMMENT,
} from "../documents";
import { formatDate, h, html, plural } from "../dom";
import type {
  AddCommentMutation,
  AddCommentMutationVariables,
  CommentFieldsFragment,
  CommentOrder,
  CommentPageFragment,
  CommentStatsFieldsFragment,
  MoreCommentsQuery,
  MoreCommentsQueryVariables,
  ReactToCommentMutation,
  ReactToCommentMutationVariables,
  RepliesQuery,
  RepliesQueryVariables,
  UnreactToCommentMutation,
  UnreactToCommentMutationVariables,
  VoteCommentMutation,
  VoteCommentMutationVariables,
  VoteValue,
} from "../generated/graphql";
import { ReactionBar } from "../reactions";
import { visitorId } from "../visitor";

const ORDERS: ReadonlyArray<[CommentOrder, string]> = [
  ["OLDEST", "Oldest"],
  ["NEWEST", "Newest"],
  ["TOP", "Top"],
];

/** One list of comments (the post's, or one comment's replies) and its paging. */
class CommentList {
  readonly element = h("ol", { class: "thread" });
  private readonly more = h("button", { type: "button", class: "more-comments", hidden: "" });
  readonly container: HTMLElement;
  private endCursor: string | null = null;
  private hasNextPage = false;

  constructor(
    private readonly thread: CommentThread,
    private readonly load: (after: string | null) => Promise<CommentPageFragment>,
    private readonly label: string,
  ) {
    this.container = h("div", { class: "comment-list" }, this.element, this.more);
    this.more.addEventListener("click", () => void this.loadMore());
  }

  /** All of the list is shown: a new comment belongs at its end. */
  get complete(): boolean {
    return !this.hasNextPage;
  }

  show(page: CommentPageFragment): void {
    for (const { node } of page.edges) this.add(node);
    this.hasNextPage = page.pageInfo.hasNextPage;
    this.endCursor = page.pageInfo.endCursor;
    this.more.hidden = !this.hasNextPage;
    this.more.textContent = this.label;
  }

  add(comment: CommentFieldsFragment, first = false): void {
    if (this.thread.has(comment.id)) return;
    const item = this.thread.item(comment);
    if (first) this.element.prepend(item);
    else this.element.append(item);
  }

  /** Empty again, before the first page of another order. */
  clear(): void {
    this.element.replaceChildren();
    this.hasNextPage = false;
    this.endCursor = null;
    this.more.hidden = true;
  }

  private async loadMore(): Promise<void> {
    this.more.disabled = true;
    try {
      this.show(await this.load(this.endCursor));
    } finally {
      this.more.disabled = false;
    }
  }
}

interface Shown {
  element: HTMLLIElement;
  replyCount: number;
  repliesButton: HTMLButtonElement;
  replies: CommentList | null;
  votes: Votes;
  reactions: ReactionBar;
}

/** ▲ score ▼: the reader's vote pressed; pressing it again takes the vote back. */
class Votes {
  readonly element: HTMLElement;
  private readonly up = h("button", { type: "button", class: "vote-up", "aria-label": "Vote up" }, "▲");
  private readonly down = h("button", { type: "button", class: "vote-down", "aria-label": "Vote down" }, "▼");
  private readonly score = h("span", { class: "comment-score" });
  private vote: VoteValue = "NONE";

  constructor(
    private readonly commentId: string,
    score: number,
    vote: VoteValue,
    private readonly onStats: (stats: CommentStatsFieldsFragment) => void,
  ) {
    this.element = h("span", { class: "votes" }, this.up, " ", this.score, " ", this.down);
    this.show(score, vote);
    this.up.addEventListener("click", () => void this.send(this.vote === "UP" ? "NONE" : "UP"));
    this.down.addEventListener("click", () => void this.send(this.vote === "DOWN" ? "NONE" : "DOWN"));
  }

  /** The score, and the reader's vote when known (null in messages for every reader). */
  show(score: number, vote: VoteValue | null): void {
    if (vote !== null) this.vote = vote;
    this.score.textContent = String(score);
    this.score.setAttribute("aria-label", plural(score, "point", "points"));
    this.up.setAttribute("aria-pressed", String(this.vote === "UP"));
    this.down.setAttribute("aria-pressed", String(this.vote === "DOWN"));
  }

  private async send(value: VoteValue): Promise<void> {
    this.up.disabled = this.down.disabled = true;
    try {
      const variables = { id: this.commentId, value, visitorId: visitorId() };
      const data = await request<VoteCommentMutation, VoteCommentMutationVariables>(VOTE_COMMENT, variables);
      this.onStats(data.voteComment);
      this.element.removeAttribute("title");
    } catch (error) {
      this.element.title = error instanceof ApiError ? error.message : "The vote could not be sent.";
    } finally {
      this.up.disabled = this.down.disabled = false;
    }
  }
}

export class CommentThread {
  readonly element: HTMLElement;
  private readonly top: CommentList;
  private readonly shown = new Map<string, Shown>();
  /** Replies counted on their parent's button before its replies were loaded. */
  private readonly counted = new Set<string>();
  private readonly count = h("span", { class: "comment-total" });
  private order: CommentOrder = "OLDEST";
  private readonly orderButtons = new Map<CommentOrder, HTMLButtonElement>();

  constructor(
    private readonly postId: string,
    firstPage: CommentPageFragment,
    totalCount: number,
  ) {
    this.top = new CommentList(this, (after) => this.postComments(after), "More comments");
    this.setCount(totalCount);
    this.element = h(
      "section",
      { class: "comments", "aria-label": "Comments" },
      h("h2", {}, this.count),
      this.orderSwitch(),
      this.top.container,
      h("h3", {}, "Leave a comment"),
      this.form(null),
    );
    this.top.show(firstPage);
  }

  has(id: string): boolean {
    return this.shown.has(id);
  }

  /** A comment's new votes and reactions (a mutation's answer, or from postStats). */
  commentStats(stats: CommentStatsFieldsFragment): void {
    const shown = this.shown.get(stats.commentId);
    if (shown === undefined) return;
    shown.votes.show(stats.score, stats.viewerVote);
    shown.reactions.show(stats.reactions);
  }

  setCount(totalCount: number): void {
    this.count.textContent = plural(totalCount, "comment", "comments");
  }

  /** A comment that became public (from the subscription or the form's answer). */
  arrived(comment: CommentFieldsFragment): void {
    if (this.has(comment.id)) return;
    const parentId = comment.parent?.id ?? null;
    if (parentId === null) {
      if (this.order === "NEWEST") this.top.add(comment, true);
      else if (this.top.complete) this.top.add(comment);
      return;
    }
    const parent = this.shown.get(parentId);
    if (parent === undefined) return;
    if (parent.replies?.complete === true) {
      parent.replies.add(comment);
    } else if (parent.replies === null && !this.counted.has(comment.id)) {
      this.counted.add(comment.id);
      parent.replyCount += 1;
      this.labelReplies(parent);
    }
  }

  item(comment: CommentFieldsFragment): HTMLLIElement {
    const repliesButton = h("button", { type: "button", class: "show-replies" });
    const replyButton = h("button", { type: "button", class: "reply" }, "Reply");
    const element = h(
      "li",
      { class: "comment", id: `comment-${comment.id}` },
      h(
        "p",
        { class: "comment-meta" },
        h("strong", { class: "comment-author" }, comment.author),
        " · ",
        h("time", { datetime: comment.createdAt }, formatDate(comment.createdAt)),
      ),
      html("comment-body", comment.html),
    );
    const votes = new Votes(comment.id, comment.score, comment.viewerVote, (stats) => this.commentStats(stats));
    const reactions = new ReactionBar(`Reactions to ${comment.author}'s comment`, comment.reactions, (kind, add) =>
      this.react(comment.id, kind, add),
    );
    element.append(
      h("div", { class: "comment-actions" }, votes.element, reactions.element, replyButton, repliesButton),
    );
    const shown: Shown = {
      element,
      replyCount: comment.replies.totalCount,
      repliesButton,
      replies: null,
      votes,
      reactions,
    };
    this.shown.set(comment.id, shown);
    this.labelReplies(shown);
    repliesButton.addEventListener("click", () => void this.openReplies(comment.id, shown));
    replyButton.addEventListener("click", () => {
      if (element.querySelector(":scope > form") === null) {
        element.insertBefore(this.form(comment.id), element.querySelector(":scope > .comment-list"));
      }
    });
    return element;
  }

  private orderSwitch(): HTMLElement {
    const group = h("p", { class: "comment-order", role: "group", "aria-label": "Order comments" });
    for (const [order, label] of ORDERS) {
      const button = h("button", { type: "button", "data-order": order, "aria-pressed": String(order === this.order) }, label);
      button.addEventListener("click", () => void this.reorder(order));
      this.orderButtons.set(order, button);
      group.append(button, " ");
    }
    return group;
  }

  /** The first page again, in another order (replies follow it when opened). */
  private async reorder(order: CommentOrder): Promise<void> {
    if (order === this.order) return;
    for (const button of this.orderButtons.values()) button.disabled = true;
    try {
      const page = await this.postComments(null, order);
      this.order = order;
      this.shown.clear();
      this.counted.clear();
      this.top.clear();
      this.top.show(page);
      for (const [name, button] of this.orderButtons) button.setAttribute("aria-pressed", String(name === order));
    } finally {
      for (const button of this.orderButtons.values()) button.disabled = false;
    }
  }

  private async react(commentId: string, kind: string, add: boolean): Promise<CommentStatsFieldsFragment["reactions"]> {
    const variables = { id: commentId, kind, visitorId: visitorId() };
    const stats = add
      ? (await request<ReactToCommentMutation, ReactToCommentMutationVariables>(REACT_TO_COMMENT, variables))
          .reactToComment
      : (await request<UnreactToCommentMutation, UnreactToCommentMutationVariables>(UNREACT_TO_COMMENT, variables))
          .unreactToComment;
    this.commentStats(stats);
    return stats.reactions;
  }

  private labelReplies(shown: Shown): void {
    shown.repliesButton.hidden = shown.replies !== null || shown.replyCount === 0;
    shown.repliesButton.textContent = `Show ${plural(shown.replyCount, "reply", "replies")}`;
  }

  private async openReplies(commentId: string, shown: Shown): Promise<void> {
    shown.repliesButton.disabled = true;
    const replies = new CommentList(this, (after) => this.replies(commentId, after), "More replies");
    const page = await this.replies(commentId, null);
    shown.replies = replies;
    shown.element.append(replies.container);
    replies.show(page);
    this.labelReplies(shown);
  }

  private async postComments(after: string | null, order = this.order): Promise<CommentPageFragment> {
    const data = await request<MoreCommentsQuery, MoreCommentsQueryVariables>(MORE_COMMENTS, {
      postId: this.postId,
      after,
      order,
      visitorId: visitorId(),
    });
    if (data.node === null || !("comments" in data.node)) throw new Error("The post is gone.");
    return data.node.comments;
  }

  private async replies(commentId: string, after: string | null): Promise<CommentPageFragment> {
    const data = await request<RepliesQuery, RepliesQueryVariables>(REPLIES, {
      commentId,
      after,
      order: this.order,
      visitorId: visitorId(),
    });
    if (data.node === null || !("replies" in data.node)) throw new Error("The comment is gone.");
    return data.node.replies;
  }

  private form(parentId: string | null): HTMLFormElement {
    const author = h("input", { name: "author", required: "", maxlength: "100", autocomplete: "name" });
    const body = h("textarea", { name: "body", required: "", rows: parentId === null ? "4" : "3" });
    const submit = h("button", { type: "submit" }, parentId === null ? "Post comment" : "Post reply");
    const status = h("p", { class: "form-status", role: "status" });
    const form = h(
      "form",
      { class: "comment-form" },
      h("label", {}, "Name ", author),
      h("label", {}, "Comment ", body),
      submit,
      status,
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      submit.disabled = true;
      status.textContent = "Sending…";
      const input = { postId: this.postId, author: author.value, body: body.value, parentId };
      request<AddCommentMutation, AddCommentMutationVariables>(ADD_COMMENT, { input, visitorId: visitorId() })
        .then(({ addComment }) => {
          body.value = "";
          if (addComment.status === "PENDING") {
            status.textContent = "Thank you: your comment is awaiting moderation.";
          } else {
            status.textContent = "Your comment is published.";
            this.arrived(addComment);
          }
        })
        .catch((error: unknown) => {
          status.textContent = error instanceof ApiError ? error.message : "The comment could not be sent.";
        })
        .finally(() => {
          submit.disabled = false;
        });
    });
    return form;
  }
}
