import { describe, expect, it, vi } from "vitest";
import { jsonResponse } from "../test/harness";
import { ApiError, createApiClient, parseRetryAfter } from "./client";
import type { Reply } from "../test/harness";

function clientWith(reply: Reply | (() => Promise<Response>), token: string | null = "tok-1") {
  const fetch = vi.fn<typeof globalThis.fetch>(typeof reply === "function" ? reply : async () => jsonResponse(reply));
  const onUnauthorized = vi.fn();
  const client = createApiClient({ getToken: () => token, onUnauthorized, fetch });
  return { client, fetch, onUnauthorized };
}

async function caught(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error("expected the call to fail");
}

describe("api client", () => {
  it("sends the bearer and JSON body, and unwraps data", async () => {
    const { client, fetch } = clientWith({ status: 200, body: { data: { ok: true } } });
    await expect(client.post("/things", { a: 1 }, { query: { q: "x y", skip: undefined } })).resolves.toEqual({
      ok: true,
    });
    const [url, init = {}] = fetch.mock.calls[0] ?? [];
    expect(url).toBe("/api/v1/things?q=x+y");
    expect(init.method).toBe("POST");
    expect(init.body).toBe('{"a":1}');
    expect(init.headers).toMatchObject({ Authorization: "Bearer tok-1", "Content-Type": "application/json" });
  });

  it("sends no Authorization header without a token", async () => {
    const { client, fetch } = clientWith({ status: 200, body: { data: 1 } }, null);
    await client.get("/x");
    const init = fetch.mock.calls[0]?.[1];
    expect(init?.headers).not.toHaveProperty("Authorization");
  });

  it("keeps list meta in envelope()", async () => {
    const meta = { total: 3, returned: 1 };
    const { client } = clientWith({ status: 200, body: { data: [1], meta } });
    await expect(client.envelope("/list")).resolves.toEqual({ data: [1], meta });
  });

  it("turns the error envelope into a typed ApiError", async () => {
    const details = { issues: [{ field: "name", message: "is required" }] };
    const { client } = clientWith({
      status: 400,
      body: { error: { code: "request.invalid", message: "name is required", details } },
    });
    const err = await caught(client.post("/things", {}));
    expect(err.status).toBe(400);
    expect(err.code).toBe("request.invalid");
    expect(err.message).toBe("name is required");
    expect(err.details).toEqual(details);
  });

  it("reads Retry-After on 429", async () => {
    const { client } = clientWith({
      status: 429,
      body: { error: { code: "auth.tooManyAttempts", message: "too many sign-in attempts" } },
      headers: { "Retry-After": "42" },
    });
    const err = await caught(client.post("/auth/login", {}));
    expect(err.status).toBe(429);
    expect(err.message).toBe("too many sign-in attempts");
    expect(err.retryAfterSeconds).toBe(42);
  });

  it("falls back to details.retryAfterSeconds without the header", async () => {
    const { client } = clientWith({
      status: 429,
      body: { error: { code: "x", message: "slow down", details: { retryAfterSeconds: 7 } } },
    });
    expect((await caught(client.get("/x"))).retryAfterSeconds).toBe(7);
  });

  it("reports a 401 on an authenticated call as an ended session", async () => {
    const { client, onUnauthorized } = clientWith({
      status: 401,
      body: { error: { code: "auth.unauthenticated", message: "session expired" } },
    });
    const err = await caught(client.get("/auth/me"));
    expect(err.status).toBe(401);
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
    expect(onUnauthorized).toHaveBeenCalledWith(err);
  });

  it("does not report a 401 when no token was sent (bad credentials) or when told not to", async () => {
    const anon = clientWith({ status: 401, body: { error: { code: "auth.invalidCredentials", message: "wrong" } } }, null);
    expect((await caught(anon.client.post("/auth/login", {}))).message).toBe("wrong");
    expect(anon.onUnauthorized).not.toHaveBeenCalled();

    const out = clientWith({ status: 401, body: { error: { code: "a", message: "b" } } });
    await caught(out.client.post("/auth/logout", undefined, { endSessionOn401: false }));
    expect(out.onUnauthorized).not.toHaveBeenCalled();
  });

  it("gives a readable error for a non-JSON failure (e.g. a proxy page)", async () => {
    const { client } = clientWith(async () => new Response("<html>Bad Gateway</html>", { status: 502 }));
    const err = await caught(client.get("/x"));
    expect(err.status).toBe(502);
    expect(err.code).toBe("http_502");
    expect(err.message).toMatch(/could not complete the request/);
  });

  it("maps a network failure to status 0", async () => {
    const { client } = clientWith(async () => {
      throw new TypeError("Failed to fetch");
    });
    const err = await caught(client.get("/x"));
    expect(err.status).toBe(0);
    expect(err.code).toBe("network");
    expect(err.message).toMatch(/Cannot reach the controller/);
  });

  it("rejects a success body without the data envelope", async () => {
    const { client } = clientWith({ status: 200, body: { ok: true } });
    expect((await caught(client.get("/x"))).code).toBe("invalid_response");
  });

  it("passes an abort through unchanged", async () => {
    const { client } = clientWith(async () => {
      throw new DOMException("aborted", "AbortError");
    });
    await expect(client.get("/x")).rejects.toMatchObject({ name: "AbortError" });
  });
});

describe("parseRetryAfter", () => {
  it("reads seconds and HTTP dates", () => {
    expect(parseRetryAfter("120")).toBe(120);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter("soon")).toBeUndefined();
    const now = Date.parse("2026-11-27T12:00:00Z");
    expect(parseRetryAfter("Fri, 27 Nov 2026 12:00:30 GMT", now)).toBe(30);
    expect(parseRetryAfter("Fri, 27 Nov 2026 11:00:00 GMT", now)).toBe(0);
  });
});
