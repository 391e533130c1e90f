import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { tokenStore } from "../auth/token";
import { FakeWebSocket, healthFixture, levelFixture, nodeFixture } from "../test/fixtures";
import { callsOf, errorReply, fakeController, listReply, meReply, renderApp } from "../test/harness";


const statusReply = {
  status: 200,
  body: { data: { nodes: { total: 3, reachable: 2, byStatus: { online: 2, offline: 1, degraded: 0 } } } },
};

function routes(permissions: string[], over: Record<string, unknown> = {}) {
  return {
    "GET /api/v1/auth/me": meReply(["operator"], permissions),
    "GET /api/v1/status": statusReply,
    "GET /api/v1/health-events?status=open&severity=critical&limit=1": listReply([healthFixture()], { total: 4 }),
    "GET /api/v1/health-events?status=open%2Cacknowledged&limit=10": listReply([healthFixture()]),
    "GET /api/v1/nodes?limit=500": listReply([nodeFixture()]),
    "GET /api/v1/nodes/node-1/meters": {
      status: 200,
      body: {
        data: {
          nodeId: "node-1",
          frames: [
            {
              interfaceId: "if-1",
              levels: [levelFixture({ clipping: true })],
              stale: true,
              ageSeconds: 12,
              receivedAt: "2026-11-27T05:00:00Z",
            },
          ],
        },
      },
    },
    "POST /api/v1/health-events/ev-1/acknowledge": { status: 200, body: { data: healthFixture({ status: "acknowledged" }) } },
    ...over,
  } as Parameters<typeof fakeController>[0];
}

describe("DashboardPage", () => {
  beforeEach(() => {
    FakeWebSocket.instances = [];
    vi.stubGlobal("WebSocket", FakeWebSocket);
    tokenStore.set("tok-d", null);
  });

  it("shows status tiles, the open critical count, a stale meter bank and subscribes to the node's meters", async () => {
    fakeController(routes(["node:read", "health:read", "health:acknowledge"]));
    renderApp("/");
    const tiles = await screen.findByRole("list", { name: "Fleet status" });
    await waitFor(() => expect(within(tiles).getByText("Open critical events").previousSibling?.textContent).toBe("4"));
    expect(within(tiles).getByText("online").previousSibling?.textContent).toBe("2");
    expect(within(tiles).getByText("Nodes").previousSibling?.textContent).toBe("3");

    const strip = await screen.findByRole("listitem", { name: "Host (stale)" });
    expect(within(strip).getByText("stale")).toBeTruthy();
    expect(within(strip).getByRole("meter", { name: "Host RMS level" }).getAttribute("aria-valuetext")).toBe("−20.0 dBFS");

    const ws = FakeWebSocket.instances[0]!;
    expect(ws.protocols).toEqual(["rakkr.v1", "bearer.tok-d"]);
    act(() => {
      ws.readyState = 1;
      ws.onopen?.(new Event("open"));
    });
    expect(JSON.parse(ws.sent[0]!)).toEqual({ type: "subscribe", topic: "meters:node-1" });
    act(() =>
      ws.onmessage?.(
        new MessageEvent("message", {
          data: JSON.stringify({
            type: "meter",
            topic: "meters:node-1",
            frame: { nodeId: "node-1", interfaceId: "if-1", levels: [levelFixture({ rmsDbfs: -10 })] },
          }),
        }),
      ),
    );
    await screen.findByRole("listitem", { name: "Host" });
    expect(screen.getByText("Live")).toBeTruthy();
  });

  it("acknowledges an open incident", async () => {
    const fetch = fakeController(routes(["node:read", "health:read", "health:acknowledge"]));
    renderApp("/");
    fireEvent.click(await screen.findByRole("button", { name: "Acknowledge agent.disk.low" }));
    await waitFor(() =>
      expect(callsOf(fetch).some((c) => c.key === "POST /api/v1/health-events/ev-1/acknowledge")).toBe(true),
    );
  });

  it("disables incident actions without health:acknowledge and explains why", async () => {
    fakeController(routes(["node:read", "health:read"]));
    renderApp("/");
    const ack = (await screen.findByRole("button", { name: "Acknowledge agent.disk.low" })) as HTMLButtonElement;
    expect(ack.disabled).toBe(true);
    expect(ack.title).toBe("Requires the health:acknowledge permission.");
  });

  it("hides fleet tiles and meters without node:read", async () => {
    fakeController(routes([]));
    renderApp("/");
    await screen.findByText("Welcome, Ada Lovelace.");
    expect(screen.queryByRole("list", { name: "Fleet status" })).toBeNull();
    expect(screen.queryByText("Live meters")).toBeNull();
    expect(FakeWebSocket.instances).toHaveLength(0);
  });

  it("shows the server's message when status fails", async () => {
    fakeController(
      routes(["node:read"], { "GET /api/v1/status": errorReply(503, "database.unavailable", "The database is unreachable.") }),
    );
    renderApp("/");
    expect(await screen.findByText("The database is unreachable.")).toBeTruthy();
  });
});
