// Typed calls for nodes, health events, status, access and audit. The wire
// types come from schema.gen.ts (generated from openapi.json), so a change in
// the controller's document shows up here as a type error.

import { tokenStore } from "../auth/token";
import { api, isApiError } from "./client";
import type { BodyOf, DataOf } from "./schema.gen";

/** The `meta` of a list response. */
export interface ListMeta {
  total: number;
  returned: number;
  offset: number;
  limit: number;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  summary?: Record<string, number>;
}

/** One page of a list. */
export interface Page<T> {
  items: T[];
  meta: ListMeta;
}

type Query = Record<string, string | number | boolean | undefined>;

function emptyToUndefined(q: Query): Query {
  const out: Query = {};
  for (const [k, v] of Object.entries(q)) if (v !== "" && v !== undefined) out[k] = v;
  return out;
}

async function list<T>(path: string, query: Query, signal?: AbortSignal): Promise<Page<T>> {
  const env = await api.envelope<T[]>(path, { query: emptyToUndefined(query), ...(signal ? { signal } : {}) });
  const meta = (env.meta ?? {}) as Partial<ListMeta>;
  return {
    items: env.data ?? [],
    meta: {
      total: meta.total ?? env.data.length,
      returned: meta.returned ?? env.data.length,
      offset: meta.offset ?? 0,
      limit: meta.limit ?? env.data.length,
      hasNextPage: meta.hasNextPage ?? false,
      hasPreviousPage: meta.hasPreviousPage ?? false,
      ...(meta.summary ? { summary: meta.summary } : {}),
    },
  };
}

const sig = (signal?: AbortSignal) => (signal ? { signal } : {});
const enc = encodeURIComponent;

// --- fleet ---------------------------------------------------------------

export type Node = DataOf<"nodes.read">;
export type HealthEvent = DataOf<"health.events.get">;
export type MeterFrame = DataOf<"nodes.meters.read">["frames"][number];

export const fetchStatus = (signal?: AbortSignal) => api.get<DataOf<"status.read">>("/status", sig(signal));

export const listNodes = (query: Query, signal?: AbortSignal) => list<Node>("/nodes", query, signal);

export const fetchNode = (id: string, signal?: AbortSignal) => api.get<Node>(`/nodes/${enc(id)}`, sig(signal));

/** The latest meter frames of a node; none yet (404 node.metersNotFound) is an empty list. */
export async function fetchNodeMeters(id: string, signal?: AbortSignal): Promise<DataOf<"nodes.meters.read">> {
  try {
    return await api.get<DataOf<"nodes.meters.read">>(`/nodes/${enc(id)}/meters`, sig(signal));
  } catch (err) {
    if (isApiError(err, 404) && err.code === "node.metersNotFound") return { nodeId: id, frames: [] };
    throw err;
  }
}

export const enrollNode = (body: BodyOf<"nodes.enroll">) => api.post<DataOf<"nodes.enroll">>("/nodes/enroll", body);

export const updateNode = (id: string, body: BodyOf<"nodes.update">) =>
  api.request<DataOf<"nodes.update">>(`/nodes/${enc(id)}`, { method: "PATCH", body });

export const updateInterface = (id: string, iid: string, body: BodyOf<"nodes.interfaces.update">) =>
  api.request<DataOf<"nodes.interfaces.update">>(`/nodes/${enc(id)}/interfaces/${enc(iid)}`, {
    method: "PATCH",
    body,
  });

export const updateChannels = (id: string, body: BodyOf<"nodes.channels.update">) =>
  api.request<DataOf<"nodes.channels.update">>(`/nodes/${enc(id)}/channels`, { method: "PUT", body });

export const rotateCredential = (id: string) =>
  api.post<DataOf<"nodes.credentials.rotate">>(`/nodes/${enc(id)}/credentials/rotate`);

export const revokeCredential = (id: string) =>
  api.post<DataOf<"nodes.credentials.revoke">>(`/nodes/${enc(id)}/credentials/revoke`);

// --- health --------------------------------------------------------------

export const listHealthEvents = (query: Query, signal?: AbortSignal) =>
  list<HealthEvent>("/health-events", query, signal);

/** A lifecycle action on one health event. */
export type HealthAction = "acknowledge" | "resolve" | "reopen" | "suppress";

export function healthLifecycle(id: string, action: HealthAction, until?: string) {
  const body = action === "suppress" ? { until: until ?? new Date(Date.now() + 3_600_000).toISOString() } : {};
  return api.post<HealthEvent>(`/health-events/${enc(id)}/${action}`, body);
}

export const bulkHealthLifecycle = (body: BodyOf<"health.events.bulkLifecycle">) =>
  api.post<DataOf<"health.events.bulkLifecycle">>("/health-events/bulk-lifecycle", body);

/** Query string for an export link (same filters as the list). */
export function exportHref(path: string, query: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(emptyToUndefined(query))) params.append(k, String(v));
  const qs = params.toString();
  return `/api/v1${path}${qs ? `?${qs}` : ""}`;
}

// --- access --------------------------------------------------------------

export type AuthUser = DataOf<"auth.users.read">;
export type AuthGroup = DataOf<"auth.groups.read">;
export type ApiToken = DataOf<"get.auth.tokens">[number];
export type AccessPolicy = DataOf<"auth.policies.list">["policies"][number];

export const listUsers = (query: Query, signal?: AbortSignal) => list<AuthUser>("/auth/users", query, signal);
export const createUser = (body: BodyOf<"auth.users.create">) => api.post<AuthUser>("/auth/users", body);
export const setUserDisabled = (id: string, disabled: boolean) =>
  api.request<AuthUser>(`/auth/users/${enc(id)}/status`, { method: "PATCH", body: { disabled } });
export const resetUserPassword = (id: string, password: string) =>
  api.request<unknown>(`/auth/users/${enc(id)}/password`, { method: "PATCH", body: { password } });
export const deleteUser = (id: string) => api.request<unknown>(`/auth/users/${enc(id)}`, { method: "DELETE" });
export const listGroups = (signal?: AbortSignal) => list<AuthGroup>("/auth/groups", {}, signal);
export const createGroup = (body: BodyOf<"auth.groups.create">) => api.post<AuthGroup>("/auth/groups", body);
export const fetchPolicies = (signal?: AbortSignal) =>
  api.get<DataOf<"auth.policies.list">>("/auth/access-policies", sig(signal));
export const replacePolicies = (body: BodyOf<"auth.policies.replace">) =>
  api.request<DataOf<"auth.policies.replace">>("/auth/access-policies", { method: "PUT", body });
export const listTokens = (signal?: AbortSignal) => api.get<ApiToken[]>("/auth/tokens", sig(signal));
export const createToken = (body: BodyOf<"auth.tokens.create">) =>
  api.post<DataOf<"auth.tokens.create">>("/auth/tokens", body);
export const revokeToken = (id: string) => api.request<unknown>(`/auth/tokens/${enc(id)}`, { method: "DELETE" });

// --- audit ---------------------------------------------------------------

export type AuditEvent = DataOf<"audit.events.get">;

export const listAuditEvents = (query: Query, signal?: AbortSignal) =>
  list<AuditEvent>("/audit-events", query, signal);
export const fetchAuditEvent = (id: string, signal?: AbortSignal) =>
  api.get<AuditEvent>(`/audit-events/${enc(id)}`, sig(signal));
export const verifyAudit = () => api.get<DataOf<"audit.events.verify">>("/audit-events/verify");

/**
 * Downloads a CSV export with the bearer (a plain link would not carry it)
 * and hands it to the browser as a file.
 */
export async function downloadCsv(path: string, query: Query, filename: string): Promise<void> {
  const token = tokenStore.bearer();
  const res = await fetch(exportHref(path, query), {
    headers: { Accept: "text/csv", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    credentials: "same-origin",
  });
  if (!res.ok) {
    let message = `Export failed (${res.status}).`;
    try {
      const body = (await res.json()) as { error?: { message?: string } };
      if (body.error?.message) message = body.error.message;
    } catch {
      /* keep the generic message */
    }
    throw new Error(message);
  }
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export const fetchCatalog = (signal?: AbortSignal) => api.get<DataOf<"get.auth.catalog">>("/auth/catalog", sig(signal));
