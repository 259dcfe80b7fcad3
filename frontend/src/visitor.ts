// A visitor id kept in localStorage: likes and views count once per visitor.
const KEY = "cms.visitorId";

export function visitorId(): string {
  const kept = localStorage.getItem(KEY);
  if (kept !== null && kept !== "") return kept;
  const made = crypto.randomUUID();
  localStorage.setItem(KEY, made);
  return made;
}
