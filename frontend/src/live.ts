// Subscriptions over graphql-ws (`graphql-transport-ws`) at ws(s)://<this host>/graphql.
import { createClient, type Client } from "graphql-ws";

let client: Client | null = null;

function liveClient(): Client {
  if (client === null) {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    client = createClient({ url: `${scheme}//${location.host}/graphql`, lazy: true, retryAttempts: 5 });
  }
  return client;
}

/** Calls `onData` with each event until the returned function is called. */
export function subscribe<TData, TVariables extends Record<string, unknown>>(
  document: string,
  variables: TVariables,
  onData: (data: TData) => void,
): () => void {
  return liveClient().subscribe<TData>(
    { query: document, variables },
    {
      next: (result) => {
        if (result.data !== undefined && result.data !== null) onData(result.data as TData);
      },
      error: (error) => console.warn("live updates stopped", error),
      complete: () => undefined,
    },
  );
}
