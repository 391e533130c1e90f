import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { tokenStore } from "./auth/token";
import { fakeController, meReply, renderApp } from "./test/harness";

describe("console shell", () => {
  it("sends a visitor without a session to sign-in", async () => {
    fakeController({});
    const { router } = renderApp("/recordings");
    await screen.findByRole("heading", { name: "Sign in to the console" });
    expect(router.state.location.pathname).toBe("/sign-in");
  });

  it("returns to sign-in with a notice when the server answers 401", async () => {
    tokenStore.set("stale", null);
    fakeController({
      "GET /api/v1/auth/me": { status: 401, body: { error: { code: "auth.unauthenticated", message: "expired" } } },
    });
    renderApp("/");
    expect((await screen.findByText("Your session has ended, sign in again.")).getAttribute("role")).toBe("status");
    expect(screen.getByLabelText("Email")).toBeTruthy();
    expect(localStorage.getItem("rakkr.token")).toBeNull();
  });

  it("filters the nav by permission and explains a section the user cannot see", async () => {
    tokenStore.set("tok", null);
    fakeController({
      "GET /api/v1/auth/me": meReply(["viewer"], ["node:read", "recording:read", "health:read", "settings:read"]),
    });
    renderApp("/access");
    const nav = screen.getByRole("navigation", { name: "Sections" });
    await waitFor(() => expect(within(nav).getByRole("link", { name: "Nodes" })).toBeTruthy());
    const labels = within(nav)
      .getAllByRole("link")
      .map((a) => a.textContent);
    expect(labels).toEqual(["Dashboard", "Nodes", "Recordings", "Health", "Settings", "API tokens"]);
    await screen.findByText("Access is unavailable");
    expect(screen.getByText(/Requires the auth:manage permission/)).toBeTruthy();
    expect(screen.getByText("Ada Lovelace")).toBeTruthy();
    expect(screen.getByText("viewer")).toBeTruthy();
  });

  it("shows the recordings library for a permitted section", async () => {
    tokenStore.set("tok", null);
    fakeController({ "GET /api/v1/auth/me": meReply(["owner"], ["recording:read"]) });
    renderApp("/recordings");
    await screen.findByRole("heading", { name: "Recordings", level: 1 });
    await screen.findByRole("link", { name: "Library" });
  });

  it("signs out through the API with the bearer and lands on sign-in without the expiry notice", async () => {
    tokenStore.set("tok-out", null);
    const fetch = fakeController({
      "GET /api/v1/auth/me": meReply(["owner"], []),
      "POST /api/v1/auth/logout": { status: 204 },
    });
    renderApp("/");
    fireEvent.click(await screen.findByRole("button", { name: "Sign out" }));
    await screen.findByRole("heading", { name: "Sign in to the console" });
    const logout = fetch.mock.calls.find(([url, init]) => url === "/api/v1/auth/logout" && init?.method === "POST");
    expect((logout?.[1]?.headers as Record<string, string>).Authorization).toBe("Bearer tok-out");
    expect(screen.queryByText(/session has ended/)).toBeNull();
    expect(tokenStore.get()).toBeNull();
  });
});
