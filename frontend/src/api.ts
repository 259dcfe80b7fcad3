// GraphQL over HTTP: POST /graphql (same origin; the server proxies it to the CMS).

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string | null,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

interface GraphQLResponse<TData> {
  data?: TData | null;
  errors?: ReadonlyArray<{ message: string; extensions?: { code?: string } }>;
}

export async function request<TData, TVariables extends object>(
  document: string,
  variables: TVariables,
): Promise<TData> {
  const response = await fetch("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ query: document, variables }),
  });
  let body: GraphQLResponse<TData>;
  try {
    body = (await response.json()) as GraphQLResponse<TData>;
  } catch {
    throw new ApiError(`The server answered ${response.status} without GraphQL.`, null);
  }
  const error = body.errors?.[0];
  if (error !== undefined) {
    throw new ApiError(error.message, error.extensions?.code ?? null);
  }
  if (body.data === undefined || body.data === null) {
    throw new ApiError("The server answered without data.", null);
  }
  return body.data;
}
