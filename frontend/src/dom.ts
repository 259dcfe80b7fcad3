// Building elements: text is always set as text; only the server's sanitised HTML
// (sections, blocks, comments) goes through `html`.

type Child = Node | string | null | undefined | false;
type Attributes = Record<string, string | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined) element.setAttribute(name, value);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child);
  }
  return element;
}

/** A container for HTML the CMS rendered and sanitised. */
export function html(className: string, sanitised: string): HTMLDivElement {
  const element = h("div", { class: className });
  element.innerHTML = sanitised;
  return element;
}

export function formatDate(iso: string | null): string {
  if (iso === null) return "";
  return new Date(iso).toLocaleDateString("en", { year: "numeric", month: "long", day: "numeric" });
}

export function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}
