import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";
import { tokenStore } from "../auth/token";
import { healthFixture } from "../test/fixtures";
import { callsOf, errorReply, fakeController, listReply, meReply, renderApp } from "../test/harness";

const events = [
  healthFixture(),
  healthFixture({ id: "ev-2", type: "agent.xrun", severity: "warning", status: "resolved" }),
];

describe("HealthPage", () => {
  beforeEach(() => tokenStore.set("tok", null));

  it("lists events, filters by severity and applies a bulk action to the selection", async () => {
    const fetch = fakeController({
      "GET /api/v1/auth/me": meReply(["operator"], ["health:read", "health:acknowledge"]),
      "GET /api/v1/health-events": listReply(events, { summary: { open: 1, resolved: 1 } }),
      "POST /api/v1/health-events/bulk-lifecycle": { status: 200, body: { data: { count: 2, events } } },
    });
    renderApp("/health");
    await screen.findByText("agent.xrun");
    expect(screen.getByText("open: 1 · resolved: 1")).toBeTruthy();
    // Per-row actions follow the event's state.
    expect(screen.getByRole("button", { name: "Acknowledge agent.disk.low" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Reopen agent.xrun" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Resolve agent.xrun" })).toBeNull();

    fireEvent.change(screen.getByLabelText("Severity"), { target: { value: "critical" } });
    await waitFor(() =>
      expect(callsOf(fetch).some((c) => c.key === "GET /api/v1/health-events?severity=critical&limit=50&offset=0")).toBe(true),
    );

    fireEvent.click(screen.getByLabelText("Select all on this page"));
    const bulk = screen.getByRole("group", { name: "Bulk actions" });
    expect(within(bulk).getByText("2 selected")).toBeTruthy();
    fireEvent.click(within(bulk).getByRole("button", { name: "Resolve selected" }));
    await waitFor(() =>
      expect(callsOf(fetch).find((c) => c.key === "POST /api/v1/health-events/bulk-lifecycle")?.body).toEqual({
        ids: ["ev-1", "ev-2"],
        action: "resolve",
      }),
    );
  });

  it("sends suppress with an until one hour ahead", async () => {
    const fetch = fakeController({
      "GET /api/v1/auth/me": meReply(["operator"], ["health:read", "health:acknowledge"]),
      "GET /api/v1/health-events": listReply(events),
      "POST /api/v1/health-events/ev-1/suppress": { status: 200, body: { data: events[0] } },
    });
    renderApp("/health");
    fireEvent.click(await screen.findByRole("button", { name: "Suppress 1 h agent.disk.low" }));
    await waitFor(() => expect(callsOf(fetch).some((c) => c.key === "POST /api/v1/health-events/ev-1/suppress")).toBe(true));
    const body = callsOf(fetch).find((c) => c.key === "POST /api/v1/health-events/ev-1/suppress")!.body as { until: string };
    const ahead = Date.parse(body.until) - Date.now();
    expect(ahead).toBeGreaterThan(3_500_000);
    expect(ahead).toBeLessThanOrEqual(3_600_000);
  });

  it("shows the server's message when a bulk action is refused", async () => {
    fakeController({
      "GET /api/v1/auth/me": meReply(["operator"], ["health:read", "health:acknowledge"]),
      "GET /api/v1/health-events": listReply(events),
      "POST /api/v1/health-events/bulk-lifecycle": errorReply(409, "health.invalidTransition", "ev-2 is already resolved."),
    });
    renderApp("/health");
    fireEvent.click(await screen.findByLabelText("Select agent.xrun ev-2"));
    fireEvent.click(screen.getByRole("button", { name: "Acknowledge selected" }));
    expect((await screen.findByRole("alert")).textContent).toBe("ev-2 is already resolved.");
  });

  it("disables lifecycle controls for a viewer without health:acknowledge", async () => {
    fakeController({
      "GET /api/v1/auth/me": meReply(["viewer"], ["health:read"]),
      "GET /api/v1/health-events": listReply(events),
    });
    renderApp("/health");
    const ack = (await screen.findByRole("button", { name: "Acknowledge agent.disk.low" })) as HTMLButtonElement;
    expect(ack.disabled).toBe(true);
    expect(ack.title).toBe("Requires the health:acknowledge permission.");
    expect((screen.getByLabelText("Select all on this page") as HTMLInputElement).disabled).toBe(true);
    expect(screen.getByRole("button", { name: "Export CSV" })).toBeTruthy();
  });
});
