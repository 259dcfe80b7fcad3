// Reaction buttons: one per kind the CMS lists (its configured kinds, in their order),
// each showing its count and pressed when the reader reacted so.
import { ApiError } from "./api";
import { h } from "./dom";
import type { ReactionFieldsFragment } from "./generated/graphql";

interface Button {
  element: HTMLButtonElement;
  count: HTMLSpanElement;
}

export class ReactionBar {
  readonly element: HTMLElement;
  private readonly buttons = new Map<string, Button>();
  private readonly mine = new Set<string>();

  constructor(
    label: string,
    reactions: readonly ReactionFieldsFragment[],
    /** Sends the reader's reaction (or takes it back); answers the new counts. */
    private readonly send: (kind: string, add: boolean) => Promise<readonly ReactionFieldsFragment[]>,
  ) {
    this.element = h("div", { class: "reactions", role: "group", "aria-label": label });
    this.show(reactions);
  }

  /** New counts; the reader's own reactions change only where the answer knows them
   * (`viewerReacted` is null in messages meant for every reader). */
  show(reactions: readonly ReactionFieldsFragment[]): void {
    for (const reaction of reactions) {
      const button = this.button(reaction);
      if (reaction.viewerReacted !== null) {
        if (reaction.viewerReacted) this.mine.add(reaction.kind);
        else this.mine.delete(reaction.kind);
      }
      const pressed = this.mine.has(reaction.kind);
      button.count.textContent = String(reaction.count);
      button.element.setAttribute("aria-pressed", String(pressed));
      const name = reaction.kind.toLowerCase().replaceAll("_", " ");
      button.element.setAttribute("aria-label", `${pressed ? "Take back" : "React with"} ${name} (${reaction.count})`);
    }
  }

  private button(reaction: ReactionFieldsFragment): Button {
    const found = this.buttons.get(reaction.kind);
    if (found !== undefined) return found;
    const count = h("span", { class: "reaction-count" });
    const element = h(
      "button",
      { type: "button", class: "reaction", "data-kind": reaction.kind, "aria-pressed": "false" },
      h("span", { class: "reaction-emoji", "aria-hidden": "true" }, reaction.emoji || reaction.kind),
      " ",
      count,
    );
    element.addEventListener("click", () => void this.toggle(reaction.kind, element));
    const button = { element, count };
    this.buttons.set(reaction.kind, button);
    this.element.append(element);
    return button;
  }

  private async toggle(kind: string, element: HTMLButtonElement): Promise<void> {
    element.disabled = true;
    try {
      this.show(await this.send(kind, !this.mine.has(kind)));
      element.removeAttribute("title");
    } catch (error) {
      element.title = error instanceof ApiError ? error.message : "The reaction could not be sent.";
    } finally {
      element.disabled = false;
    }
  }
}
