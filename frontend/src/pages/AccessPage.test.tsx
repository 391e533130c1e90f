import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";
import type { AuthUser } from "../api/schema.gen";
import { tokenStore } from "../auth/token";
import { callsOf, errorReply, fakeController, listReply, meReply, renderApp } from "../test/harness";

const users: AuthUser[] = [
  {
    id: "u-1",
    email: "ada@example.com",
    name: "Ada Lovelace",
    roles: ["owner"],
    groups: [],
    grants: [],
    provider: "local",
    disabled: false,
    createdAt: "2026-11-01T00:00:00Z",
    updatedAt: "2026-11-01T00:00:00Z",
  },
  {
    id: "u-2",
    email: "bob@example.com",
    name: "Bob",
    roles: ["viewer"],
    groups: ["ops"],
    grants: [],
    provider: "local",
    disabled: true,
    createdAt: "2026-11-02T00:00:00Z",
    updatedAt: "2026-11-02T00:00:00Z",
  },
];

const base = {
  "GET /api/v1/auth/me": meReply(["owner"], ["auth:manage"]),
  "GET /api/v1/auth/users": listReply(users),
  "GET /api/v1/auth/groups": listReply([
    { id: "ops", name: "Ops", description: "", members: ["u-2"], memberCount: 1, createdAt: "", updatedAt: "" },
  ]),
  "GET /api/v1/auth/access-policies": {
    status: 200,
    body: { data: { policies: [{ effect: "deny", subjectType: "group", subjectId: "ops", resourceType: "node", resourceId: "node-1", reason: "" }] } },
  },
  "GET /api/v1/auth/catalog": { status: 200, body: { data: { permissions: [], roles: [{ name: "admin", permissions: [] }, { name: "viewer", permissions: [] }] } } },
};

describe("AccessPage", () => {
  beforeEach(() => tokenStore.set("tok", null));

  it("lists users and groups; you cannot disable or delete yourself", async () => {
    fakeController(base);
    renderApp("/access");
    const bob = (await screen.findByText("bob@example.com")).closest("tr")!;
    expect(within(bob).getByText("disabled")).toBeTruthy();
    expect(within(bob).getByRole("button", { name: "Enable bob@example.com" })).toBeTruthy();
    const ada = screen.getAllByText("ada@example.com").map((n) => n.closest("tr")).find(Boolean)!;
    expect((within(ada).getByRole("button", { name: "Disable ada@example.com" }) as HTMLButtonElement).disabled).toBe(true);
    expect(within(ada).queryByRole("button", { name: "Delete" })).toBeNull();
    expect(await screen.findByText("Ops")).toBeTruthy();
    expect((await screen.findByLabelText("Effect of policy 1") as HTMLSelectElement).value).toBe("deny");
  });

  it("creates a user with roles and shows the server's message on conflict", async () => {
    const fetch = fakeController({
      ...base,
      "POST /api/v1/auth/users": errorReply(409, "user.emailTaken", "That email is already in use."),
    });
    renderApp("/access");
    fireEvent.click(await screen.findByRole("button", { name: "Create user" }));
    const dialog = screen.getByRole("dialog", { name: "Create user" });
    fireEvent.change(within(dialog).getByLabelText("Email"), { target: { value: "bob@example.com" } });
    fireEvent.change(within(dialog).getByLabelText("Name"), { target: { value: "Bob" } });
    fireEvent.change(within(dialog).getByLabelText("Password"), { target: { value: "long-password-1" } });
    fireEvent.click(await within(dialog).findByLabelText("admin"));
    fireEvent.click(within(dialog).getByRole("button", { name: "Create user" }));
    expect((await within(dialog).findByRole("alert")).textContent).toBe("That email is already in use.");
    expect(callsOf(fetch).find((c) => c.key === "POST /api/v1/auth/users")?.body).toEqual({
      email: "bob@example.com",
      name: "Bob",
      password: "long-password-1",
      roles: ["viewer", "admin"],
    });
  });

  it("enables a user and saves edited policies with PUT", async () => {
    const fetch = fakeController({
      ...base,
      "PATCH /api/v1/auth/users/u-2/status": { status: 200, body: { data: { ...users[1], disabled: false } } },
      "PUT /api/v1/auth/access-policies": { status: 200, body: { data: { policies: [] } } },
    });
    renderApp("/access");
    fireEvent.click(await screen.findByRole("button", { name: "Enable bob@example.com" }));
    await waitFor(() =>
      expect(callsOf(fetch).find((c) => c.key === "PATCH /api/v1/auth/users/u-2/status")?.body).toEqual({ disabled: false }),
    );
    fireEvent.click(await screen.findByRole("button", { name: "Remove policy 1" }));
    fireEvent.click(screen.getByRole("button", { name: "Save policies" }));
    await waitFor(() =>
      expect(callsOf(fetch).find((c) => c.key === "PUT /api/v1/auth/access-policies")?.body).toEqual({ policies: [] }),
    );
  });

  it("is unavailable without auth:manage", async () => {
    fakeController({ "GET /api/v1/auth/me": meReply(["viewer"], ["node:read"]) });
    renderApp("/access");
    expect(await screen.findByText("Access is unavailable")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Create user" })).toBeNull();
  });
});

describe("TokensPage", () => {
  beforeEach(() => tokenStore.set("tok", null));

  it("creates a token and shows it once, and revokes after confirmation", async () => {
    const fetch = fakeController({
      "GET /api/v1/auth/me": meReply(["viewer"], ["node:read"]),
      "GET /api/v1/auth/tokens": {
        status: 200,
        body: { data: [{ id: "t-1", name: "ci", prefix: "rakkr_pat_ab", permissions: null, createdAt: "2026-11-01T00:00:00Z" }] },
      },
      "POST /api/v1/auth/tokens": { status: 201, body: { data: { id: "t-2", name: "script", token: "rakkr_pat_secret" } } },
      "DELETE /api/v1/auth/tokens/t-1": { status: 204 },
    });
    renderApp("/tokens");
    fireEvent.change(await screen.findByLabelText("Token name"), { target: { value: "script" } });
    fireEvent.click(screen.getByRole("button", { name: "Create token" }));
    expect(await screen.findByText("rakkr_pat_secret")).toBeTruthy();
    expect(screen.getByText("all of yours")).toBeTruthy();
    expect(callsOf(fetch).find((c) => c.key === "POST /api/v1/auth/tokens")?.body).toEqual({ name: "script" });

    fireEvent.click(await screen.findByRole("button", { name: "Revoke ci" }));
    fireEvent.click(screen.getByRole("button", { name: "Confirm" }));
    await waitFor(() => expect(callsOf(fetch).some((c) => c.key === "DELETE /api/v1/auth/tokens/t-1")).toBe(true));
  });

  it("shows the server's message when creation fails", async () => {
    fakeController({
      "GET /api/v1/auth/me": meReply(["viewer"], ["node:read"]),
      "GET /api/v1/auth/tokens": { status: 200, body: { data: [] } },
      "POST /api/v1/auth/tokens": errorReply(403, "auth.forbidden", "A token cannot exceed your permissions."),
    });
    renderApp("/tokens");
    fireEvent.change(await screen.findByLabelText("Token name"), { target: { value: "x" } });
    fireEvent.click(screen.getByRole("button", { name: "Create token" }));
    expect((await screen.findByRole("alert")).textContent).toBe("A token cannot exceed your permissions.");
  });
});
