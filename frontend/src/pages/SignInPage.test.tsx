import { fireEvent, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { tokenStore } from "../auth/token";
import { fakeController, meReply, renderApp } from "../test/harness";

function fillAndSubmit(email: string, password: string) {
  fireEvent.change(screen.getByLabelText("Email"), { target: { value: email } });
  fireEvent.change(screen.getByLabelText("Password"), { target: { value: password } });
  fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
}

describe("sign-in page", () => {
  it("shows the server's message for bad credentials and stays signed out", async () => {
    const fetch = fakeController({
      "POST /api/v1/auth/login": {
        status: 401,
        body: { error: { code: "auth.invalidCredentials", message: "Email or password is wrong." } },
      },
    });
    renderApp("/sign-in");
    fillAndSubmit("ada@example.com", "nope");

    expect((await screen.findByRole("alert")).textContent).toContain("Email or password is wrong.");
    expect(tokenStore.get()).toBeNull();
    expect((screen.getByLabelText("Password") as HTMLInputElement).value).toBe("");
    const init = fetch.mock.calls[0]?.[1] as RequestInit;
    expect(JSON.parse(init.body as string)).toEqual({ email: "ada@example.com", password: "nope" });
    expect(init.headers).not.toHaveProperty("Authorization");
  });

  it("shows the 429 message and holds the button until Retry-After passes", async () => {
    fakeController({
      "POST /api/v1/auth/login": {
        status: 429,
        headers: { "Retry-After": "30" },
        body: { error: { code: "auth.tooManyAttempts", message: "Too many sign-in attempts." } },
      },
    });
    renderApp("/sign-in");
    fillAndSubmit("ada@example.com", "x");

    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Too many sign-in attempts.");
    expect(alert.textContent).toMatch(/try again in 30 s/i);
    expect((screen.getByRole("button", { name: /Try again in 30 s/ }) as HTMLButtonElement).disabled).toBe(true);
  });

  it("signs in, stores the token and opens the dashboard", async () => {
    fakeController({
      "POST /api/v1/auth/login": {
        status: 200,
        body: {
          data: {
            token: "tok-ada",
            expiresAt: "2099-01-01T00:00:00Z",
            user: { id: "u-1", email: "ada@example.com", name: "Ada Lovelace" },
          },
        },
      },
      "GET /api/v1/auth/me": meReply(["owner"], ["audit:read", "auth:manage", "node:read"]),
    });
    const { router } = renderApp("/sign-in");
    fillAndSubmit("ada@example.com", "correct horse");

    await screen.findByRole("heading", { name: "Dashboard" });
    expect(router.state.location.pathname).toBe("/");
    expect(localStorage.getItem("rakkr.token")).toBe("tok-ada");
    await screen.findByText("Welcome, Ada Lovelace.");
  });
});
