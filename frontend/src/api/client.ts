// The console's one API client: it adds the bearer token, unwraps the
// {"data": …} envelope and turns every failure into an ApiError. A 401 on a
// request that carried a token means the session has ended; the client
// reports that once through onUnauthorized and the session layer signs out.

import { tokenStore } from "../auth/token";

/** Prefix of every controller API route. */
export const API_BASE = "/api/v1";

/** An API call that failed: the HTTP status and the server's error envelope. */
export class ApiError extends Error {
  /** HTTP status; 0 when the controller could not be reached. */
  readonly status: number;
  /** Stable machine-readable code from the server, e.g. "auth.invalidCredentials". */
  readonly code: string;
  /** Extra structured information from the server (field issues, limits, …). */
  readonly details: unknown;
  /** Seconds to wait before retrying, from Retry-After or details.retryAfterSeconds. */
  readonly retryAfterSeconds: number | undefined;

  constructor(init: {
    status: number;
    code: string;
    message: string;
    details?: unknown;
    retryAfterSeconds?: number | undefined;
  }) {
    super(init.message);
    this.name = "ApiError";
    this.status = init.status;
    this.code = init.code;
    this.details = init.details;
    this.retryAfterSeconds = init.retryAfterSeconds;
  }
}

/** True when `err` is an ApiError, optionally with the given status. */
export function isApiError(err: unknown, status?: number): err is ApiError {
  return err instanceof ApiError && (status === undefined || err.status === status);
}

/** Options for one request. */
export interface RequestOptions {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Sent as JSON when defined. */
  body?: unknown;
  /** Query parameters; undefined values are left out. */
  query?: Record<string, string | number | boolean | undefined>;
  signal?: AbortSignal;
  /** Bearer to send instead of the stored one; null sends none. */
  token?: string | null;
  /**
   * Whether a 401 ends the session (default true). Sign-out turns it off so
   * that logging out with an already-expired token is not reported as expiry.
   */
  endSessionOn401?: boolean;
}

/** A success body: the data and, for lists, the page description. */
export interface Envelope<T> {
  data: T;
  meta?: unknown;
}

/** How an ApiClient finds its token and reports an ended session. */
export interface ApiClientConfig {
  baseUrl?: string;
  getToken: () => string | null;
  /** Called when a request that carried a token gets 401. */
  onUnauthorized?: (err: ApiError) => void;
  /** The fetch to use; defaults to the global one, looked up at call time. */
  fetch?: typeof fetch;
}

/** The typed calls the console makes; see createApiClient. */
export interface ApiClient {
  /** Sends a request and returns the whole success envelope. */
  envelope<T>(path: string, opts?: RequestOptions): Promise<Envelope<T>>;
  /** Sends a request and returns its `data`. */
  request<T>(path: string, opts?: RequestOptions): Promise<T>;
  get<T>(path: string, opts?: Omit<RequestOptions, "method" | "body">): Promise<T>;
  post<T>(path: string, body?: unknown, opts?: Omit<RequestOptions, "method" | "body">): Promise<T>;
}

const NETWORK_MESSAGE = "Cannot reach the controller. Check your connection and try again.";

/** Parses Retry-After: delay-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function fallbackMessage(status: number, statusText: string): string {
  if (status === 401) return "You are not signed in.";
  if (status === 403) return "You do not have permission to do that.";
  if (status === 404) return "Not found.";
  if (status === 429) return "Too many requests. Wait a moment and try again.";
  if (status >= 500) return "The controller could not complete the request. Try again shortly.";
  return `Request failed (${status}${statusText ? ` ${statusText}` : ""}).`;
}

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function errorFrom(res: Response, body: unknown): ApiError {
  const env = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  const details = env?.details;
  let retryAfterSeconds = parseRetryAfter(res.headers.get("Retry-After"));
  if (retryAfterSeconds === undefined && isRecord(details) && typeof details.retryAfterSeconds === "number") {
    retryAfterSeconds = details.retryAfterSeconds;
  }
  return new ApiError({
    status: res.status,
    code: typeof env?.code === "string" && env.code ? env.code : `http_${res.status}`,
    message:
      typeof env?.message === "string" && env.message ? env.message : fallbackMessage(res.status, res.statusText),
    details,
    retryAfterSeconds,
  });
}

function buildUrl(base: string, path: string, query: RequestOptions["query"]): string {
  let url = base + (path.startsWith("/") ? path : `/${path}`);
  if (query) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.append(k, String(v));
    const qs = params.toString();
    if (qs) url += (url.includes("?") ? "&" : "?") + qs;
  }
  return url;
}

/** Creates a client; the console uses the shared `api` below, tests make their own. */
export function createApiClient(config: ApiClientConfig): ApiClient {
  const base = config.baseUrl ?? API_BASE;

  async function envelope<T>(path: string, opts: RequestOptions = {}): Promise<Envelope<T>> {
    const token = opts.token !== undefined ? opts.token : config.getToken();
    const headers: Record<string, string> = { Accept: "application/json" };
    if (token) headers.Authorization = `Bearer ${token}`;
    const init: RequestInit = { method: opts.method ?? "GET", headers, credentials: "same-origin" };
    if (opts.body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(opts.body);
    }
    if (opts.signal) init.signal = opts.signal;

    const doFetch = config.fetch ?? globalThis.fetch;
    let res: Response;
    try {
      res = await doFetch(buildUrl(base, path, opts.query), init);
    } catch (err) {
      if (err instanceof DOMException && err.name === "AbortError") throw err;
      throw new ApiError({ status: 0, code: "network", message: NETWORK_MESSAGE, details: String(err) });
    }

    const body = await readJson(res);
    if (!res.ok) {
      const err = errorFrom(res, body);
      if (res.status === 401 && token && opts.endSessionOn401 !== false) config.onUnauthorized?.(err);
      throw err;
    }
    if (res.status === 204) return { data: undefined as T };
    if (!isRecord(body) || !("data" in body)) {
      throw new ApiError({
        status: res.status,
        code: "invalid_response",
        message: "The controller sent a response the console does not understand.",
      });
    }
    return { data: body.data as T, meta: body.meta };
  }

  return {
    envelope,
    request: async <T,>(path: string, opts?: RequestOptions) => (await envelope<T>(path, opts)).data,
    get: async <T,>(path: string, opts?: Omit<RequestOptions, "method" | "body">) =>
      (await envelope<T>(path, { ...opts, method: "GET" })).data,
    post: async <T,>(path: string, body?: unknown, opts?: Omit<RequestOptions, "method" | "body">) =>
      (await envelope<T>(path, { ...opts, method: "POST", body })).data,
  };
}

/** The console's client: the stored token, and sign-out with a notice on 401. */
export const api: ApiClient = createApiClient({
  getToken: tokenStore.bearer,
  onUnauthorized: () => tokenStore.clear("expired"),
});
