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
    // An exact "METHOD /path?query" key wins; otherwise "METHOD /path" answers any query.
    const reply = replies[key] ?? replies[key.split("?")[0] ?? key];
    if (!reply) return jsonResponse({ status: 404, body: { error: { code: "route.notFound", message: `no ${key}` } } });
    return jsonResponse(typeof reply === "function" ? reply(init) : reply);
  });
  vi.stubGlobal("fetch", fn);
  return fn;
}

/** A list answer with the standard meta. */
export function listReply<T>(items: T[], extra: Record<string, unknown> = {}): Reply {
  return {
    status: 200,
    body: {
      data: items,
      meta: {
        total: items.length,
        returned: items.length,
        offset: 0,
        limit: 50,
        hasNextPage: false,
        hasPreviousPage: false,
        ...extra,
      },
    },
  };
}

/** An error answer with the controller's envelope. */
export function errorReply(status: number, code: string, message: string): Reply {
  return { status, body: { error: { code, message } } };
}

/** The requests the fake saw, as "METHOD url" plus the parsed body. */
export function callsOf(fn: ReturnType<typeof fakeController>): { key: string; body: unknown }[] {
  return fn.mock.calls.map(([input, init]) => ({
    key: `${init?.method ?? "GET"} ${String(input)}`,
    body: typeof init?.body === "string" ? (JSON.parse(init.body) as unknown) : undefined,
  }));
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
