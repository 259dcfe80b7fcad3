// The documents the site sends, each with the fragments it uses (files in ./graphql).
import comment from "./graphql/comment.graphql?raw";
import comments from "./graphql/comments.graphql?raw";
import engagement from "./graphql/engagement.graphql?raw";
import feed from "./graphql/feed.graphql?raw";
import post from "./graphql/post.graphql?raw";
import preview from "./graphql/preview.graphql?raw";

/** One operation out of a file, with the fragments of `fragmentSources` it spreads. */
function operation(source: string, name: string, ...fragmentSources: string[]): string {
  const definitions = splitDefinitions(source);
  const chosen = definitions.find((text) => new RegExp(`^\\w+\\s+${name}\\b`).test(text));
  if (chosen === undefined) {
    throw new Error(`no operation ${name}`);
  }
  const fragments = new Map<string, string>();
  for (const text of fragmentSources.flatMap(splitDefinitions).concat(definitions)) {
    const match = /^fragment\s+(\w+)/.exec(text);
    if (match?.[1] !== undefined) fragments.set(match[1], text);
  }
  const used = new Set<string>();
  const pending = [chosen];
  while (pending.length > 0) {
    const text = pending.pop() ?? "";
    for (const [, spread] of text.matchAll(/\.\.\.\s*(\w+)/g)) {
      if (spread === undefined || spread === "on" || used.has(spread)) continue;
      const fragment = fragments.get(spread);
      if (fragment === undefined) continue;
      used.add(spread);
      pending.push(fragment);
    }
  }
  return [chosen, ...[...used].map((fragmentName) => fragments.get(fragmentName))].join("\n\n");
}

/** Top-level definitions of a document, comments dropped. */
function splitDefinitions(source: string): string[] {
  const text = source.replace(/#[^\n]*/g, "");
  const found: string[] = [];
  let depth = 0;
  let start = -1;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (start < 0 && char !== undefined && /\w/.test(char)) start = index;
    if (char === "{") depth += 1;
    if (char === "}") {
      depth -= 1;
      if (depth === 0 && start >= 0) {
        found.push(text.slice(start, index + 1).trim());
        start = -1;
      }
    }
  }
  return found;
}

export const FEED = operation(feed, "Feed");
export const POST_PAGE = operation(post, "PostPage", comment, engagement);
export const MORE_COMMENTS = operation(comments, "MoreComments", comment, engagement);
export const REPLIES = operation(comments, "Replies", comment, engagement);
export const ADD_COMMENT = operation(comments, "AddComment", comment, engagement);
export const LIKE_POST = operation(engagement, "LikePost");
export const UNLIKE_POST = operation(engagement, "UnlikePost");
export const RECORD_VIEW = operation(engagement, "RecordView");
export const POST_STATS_LIVE = operation(engagement, "PostStatsLive");
export const COMMENT_ADDED_LIVE = operation(engagement, "CommentAddedLive", comment);
export const REACT_TO_POST = operation(engagement, "ReactToPost");
export const UNREACT_TO_POST = operation(engagement, "UnreactToPost");
export const REACT_TO_COMMENT = operation(engagement, "ReactToComment");
export const UNREACT_TO_COMMENT = operation(engagement, "UnreactToComment");
export const VOTE_COMMENT = operation(engagement, "VoteComment");
/** Sent exactly as written in graphql/preview.graphql. */
export const PREVIEW = preview.trim();
