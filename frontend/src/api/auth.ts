// Calls to /api/v1/auth used by the console.

import { api } from "./client";
import type { LoginRequest, LoginResult, Me } from "./types";

/** Signs in with email and password; no bearer is sent. */
export function login(req: LoginRequest, signal?: AbortSignal): Promise<LoginResult> {
  return api.post<LoginResult>("/auth/login", req, { token: null, ...(signal ? { signal } : {}) });
}

/** Ends the session on the server. A 401 here is not reported as expiry. */
export function logout(token: string): Promise<unknown> {
  return api.post<unknown>("/auth/logout", undefined, { token, endSessionOn401: false });
}

/** Who the current bearer is: user, roles and effective permissions. */
export function fetchMe(signal?: AbortSignal): Promise<Me> {
  return api.get<Me>("/auth/me", signal ? { signal } : {});
}

/** Query key of fetchMe, shared by the header and the dashboard. */
export const meQueryKey = ["auth", "me"] as const;
