// Test helpers: a fake controller behind fetch, and the app in a memory router.

import { render } from "@testing-library/react";
import { createMemoryRouter, RouterProvider } from "react-router";
import { vi } from "vitest";
import type { Me } from "../api/types";
import { createQueryClient, Providers } from "../providers";
import { routes } from "../routes";

/** One canned answer of the fake controller. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Builds a Response with a JSON body. */
export function jsonResponse({ status, body, headers = {} }: Reply): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });
}

/** A fetch mock that answers "METHOD /path" keys and records calls. */
export function fakeController(replies: Record<string, Reply | ((init: RequestInit) => Reply)>) {
  const fn = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const key = `${init.method ?? "GET"} ${url}`;
    const reply = replies[key];
    if (!reply) return jsonResponse({ status: 404, body: { error: { code: "route.notFound", message: `no ${key}` } } });
    return jsonResponse(typeof reply === "function" ? reply(init) : reply);
  });
  vi.stubGlobal("fetch", fn);
  return fn;
}

/** A /auth/me answer for a user with the given roles and permissions. */
export function meReply(roles: string[], permissions: string[]): Reply {
  const data: Me = {
    user: { id: "u-1", email: "ada@example.com", name: "Ada Lovelace" },
    roles,
    permissions,
  };
  return { status: 200, body: { data } };
}

/** Renders the whole console at `path`. */
export function renderApp(path: string) {
  const client = createQueryClient();
  client.setDefaultOptions({ queries: { retry: false }, mutations: { retry: false } });
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  const utils = render(
    <Providers client={client}>
      <RouterProvider router={router} />
    </Providers>,
  );
  return { ...utils, router, client };
}
