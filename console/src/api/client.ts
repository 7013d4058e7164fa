/**
 * The Console's only way to the API: openapi-fetch over the types generated from
 * the OpenAPI document, so a contract change breaks `tsc`, not the page. The access
 * token lives in memory (auth/session.ts); a 401 triggers one refresh and one retry.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';
import { accessToken, refreshSession } from '../auth/session';

export type Schemas = components['schemas'];
export type ApiError = Schemas['Error'];

const retries = new Map<string, Request>();

const bearer: Middleware = {
  onRequest({ request, id }) {
    const token = accessToken();
    if (token && !request.url.includes('/auth/session')) request.headers.set('authorization', `Bearer ${token}`);
    if (token) retries.set(id, request.clone());
    return request;
  },
  async onResponse({ response, id }) {
    const retry = retries.get(id);
    retries.delete(id);
    if (response.status !== 401 || !retry) return response;
    if (!(await refreshSession())) return response;
    retry.headers.set('authorization', `Bearer ${accessToken()}`);
    return fetch(retry);
  },
};

export const api = createClient<paths>({ baseUrl: location.origin });
api.use(bearer);

/** The contract's human message for a failed call, for the page to show as it is. */
export function messageOf(error: unknown): string {
  const e = error as Partial<ApiError> | undefined;
  return e?.error?.message ?? 'Something went wrong. Try again.';
}

/** A call the page cannot do without: its data, or the contract's message thrown. */
export async function must<T>(call: Promise<{ data?: T; error?: unknown }>): Promise<T> {
  const { data, error } = await call;
  if (error !== undefined || data === undefined) throw new Error(messageOf(error));
  return data;
}
