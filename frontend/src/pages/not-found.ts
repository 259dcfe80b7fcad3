import { h } from "../dom";

export function renderNotFound(root: HTMLElement, message: string): void {
  document.title = "Not found · CMS reader";
  root.replaceChildren(h("h1", {}, "Not found"), h("p", {}, message), h("p", {}, h("a", { href: "/" }, "Back to the latest posts")));
}
