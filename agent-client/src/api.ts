// REST calls to outpostd (same origin; the session cookie rides along). Errors come
// back as ApiError with the problem+json detail and the HTTP status.

import { t } from './i18n';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly retryAfter: number | null = null,
    readonly field: string | null = null, // the problem's JSON pointer into the request body, e.g. "/tier"
  ) {
    super(detail);
  }
}

export async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    const problem = data as { detail?: string; field?: string } | null;
    const detail = problem?.detail ?? res.statusText;
    const retry = res.headers.get('Retry-After');
    throw new ApiError(res.status, detail, retry ? Number(retry) : null, problem?.field ?? null);
  }
  return data as T;
}

export const get = <T>(path: string) => call<T>('GET', path);
export const post = <T>(path: string, body?: unknown) => call<T>('POST', path, body);
export const put = <T>(path: string, body?: unknown) => call<T>('PUT', path, body);
export const enc = encodeURIComponent;

// What to tell the user about a failed call: the appliance unreachable, or its problem's detail.
export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.status === 0 ? t('error.network') : t('error.server', { detail: e.detail });
  return String(e);
}
