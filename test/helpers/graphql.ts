/** A plain GraphQL-over-HTTP client (fetch, keep-alive), as any frontend would send. */
export interface GraphQLResponse<Data = Record<string, any>> {
  status: number;
  headers: Headers;
  data?: Data | null;
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, any> }>;
}

export async function gql<Data = Record<string, any>>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<Data>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GraphQLResponse<Data>, 'status'>;
  return { ...body, status: response.status, headers: response.headers };
}

/** The data of a response that must have succeeded. */
export async function ok<Data = Record<string, any>>(url: string, query: string, variables?: Record<string, unknown>): Promise<Data> {
  const response = await gql<Data>(url, query, variables);
  if (response.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(response.errors)}`);
  return response.data as Data;
}

/** The one error code of a response that must have failed. */
export async function errorCode(url: string, query: string, variables?: Record<string, unknown>): Promise<string | undefined> {
  const response = await gql(url, query, variables);
  return response.errors?.[0]?.extensions?.code as string | undefined;
}
