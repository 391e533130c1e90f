import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { tokenStore } from "../auth/token";
import { FakeWebSocket, nodeFixture } from "../test/fixtures";
import { callsOf, errorReply, fakeController, listReply, meReply, renderApp } from "../test/harness";
import { agentCommand } from "./NodesPage";

describe("NodesPage", () => {
  beforeEach(() => {
    tokenStore.set("tok", null);
    vi.stubGlobal("WebSocket", FakeWebSocket);
  });

  it("lists nodes with status badges and totals, and filters by status", async () => {
    const fetch = fakeController({
      "GET /api/v1/auth/me": meReply(["viewer"], ["node:read"]),
      "GET /api/v1/nodes": listReply([nodeFixture()], { total: 1 }),
    });
    renderApp("/nodes");
    const link = await screen.findByRole("link", { name: "studio-a" });
    const row = link.closest("tr")!;
    expect(within(row).getByText("online").className).toContain("badge--online");
    expect(screen.getByText("1–1 of 1")).toBeTruthy();
    fireEvent.change(screen.getByLabelText("Status"), { target: { value: "offline" } });
    await waitFor(() =>
      expect(callsOf(fetch).some((c) => c.key === "GET /api/v1/nodes?status=offline&limit=25&offset=0")).toBe(true),
    );
  });

  it("disables Enroll node without node:manage and says why", async () => {
    fakeController({
      "GET /api/v1/auth/me": meReply(["viewer"], ["node:read"]),
      "GET /api/v1/nodes": listReply([]),
    });
    renderApp("/nodes");
    const button = (await screen.findByRole("button", { name: "Enroll node" })) as HTMLButtonElement;
    await waitFor(() => expect(button.disabled).toBe(true));
    expect(button.title).toBe("Requires the node:manage permission.");
  });

  it("enrolls a node and shows the one-time token and the agent command", async () => {
    const fetch = fakeController({
      "GET /api/v1/auth/me": meReply(["admin"], ["node:read", "node:manage"]),
      "GET /api/v1/nodes": listReply([]),
      "POST /api/v1/nodes/enroll": {
        status: 201,
        body: { data: { node: nodeFixture({ alias: "new-one" }), bootstrapToken: "rakkr_bs_abc", expiresAt: "2026-11-27T06:00:00Z" } },
      },
    });
    renderApp("/nodes");
    fireEvent.click(await screen.findByRole("button", { name: "Enroll node" }));
    const dialog = screen.getByRole("dialog", { name: "Enroll node" });
    fireEvent.change(within(dialog).getByLabelText("Alias"), { target: { value: "new-one" } });
    fireEvent.change(within(dialog).getByLabelText("Site (optional)"), { target: { value: "bergen" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Enroll" }));
    expect(await within(dialog).findByText("rakkr_bs_abc")).toBeTruthy();
    expect(within(dialog).getByText(agentCommand("rakkr_bs_abc"))).toBeTruthy();
    expect(agentCommand("T", "https://ctl.example")).toBe("rakkr-agent enroll --controller https://ctl.example --token T");
    expect(callsOf(fetch).find((c) => c.key === "POST /api/v1/nodes/enroll")?.body).toEqual({ alias: "new-one", site: "bergen" });
  });

  it("shows the server's message when enrolment fails", async () => {
    fakeController({
      "GET /api/v1/auth/me": meReply(["admin"], ["node:read", "node:manage"]),
      "GET /api/v1/nodes": listReply([]),
      "POST /api/v1/nodes/enroll": errorReply(400, "request.invalid", "alias: must not be empty"),
    });
    renderApp("/nodes");
    fireEvent.click(await screen.findByRole("button", { name: "Enroll node" }));
    fireEvent.change(screen.getByLabelText("Alias"), { target: { value: " x" } });
    fireEvent.click(screen.getByRole("button", { name: "Enroll" }));
    expect((await screen.findByRole("alert")).textContent).toBe("alias: must not be empty");
  });

  it("explains the page to a user without node:read", async () => {
    fakeController({ "GET /api/v1/auth/me": meReply(["auditor"], ["audit:read"]) });
    renderApp("/nodes");
    expect(await screen.findByText("Nodes is unavailable")).toBeTruthy();
  });
});

describe("NodeDetailPage", () => {
  beforeEach(() => {
    tokenStore.set("tok", null);
    vi.stubGlobal("WebSocket", FakeWebSocket);
  });

  const base = {
    "GET /api/v1/nodes/node-1": { status: 200, body: { data: nodeFixture() } },
    "GET /api/v1/nodes/node-1/meters": { status: 200, body: { data: { nodeId: "node-1", frames: [] } } },
    "GET /api/v1/health-events": listReply([]),
  };

  it("shows identity, runtime, interfaces and channels; manage controls disabled for a viewer", async () => {
    fakeController({ "GET /api/v1/auth/me": meReply(["viewer"], ["node:read", "health:read"]), ...base });
    renderApp("/nodes/node-1");
    await screen.findByText("Debian 6.1 amd64");
    expect(screen.getByText("USB Audio · alsa · 2 ch · 48000 Hz")).toBeTruthy();
    expect(screen.getByText("Host")).toBeTruthy();
    for (const name of ["Edit identity", "Rotate credential", "Revoke credential", "Rename USB Audio channel 1"]) {
      const b = screen.getByRole("button", { name }) as HTMLButtonElement;
      expect(b.disabled).toBe(true);
      expect(b.title).toBe("Requires the node:manage permission.");
    }
  });

  it("edits the identity through PATCH and rotates the credential after confirmation", async () => {
    const fetch = fakeController({
      "GET /api/v1/auth/me": meReply(["admin"], ["node:read", "node:manage", "health:read"]),
      ...base,
      "PATCH /api/v1/nodes/node-1": { status: 200, body: { data: nodeFixture({ notes: "rack 4" }) } },
      "POST /api/v1/nodes/node-1/credentials/rotate": {
        status: 200,
        body: { data: { nodeId: "node-1", credentialId: "c2", nodeToken: "rakkr_node_new", prefix: "rakkr_no", issuedAt: "2026-11-27T05:00:00Z" } },
      },
    });
    renderApp("/nodes/node-1");
    fireEvent.click(await screen.findByRole("button", { name: "Edit identity" }));
    fireEvent.change(screen.getByLabelText("Notes"), { target: { value: "rack 4" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await screen.findByText("rack 4");
    expect(callsOf(fetch).find((c) => c.key === "PATCH /api/v1/nodes/node-1")?.body).toEqual({
      alias: "studio-a",
      site: "oslo",
      notes: "rack 4",
    });

    fireEvent.click(screen.getByRole("button", { name: "Rotate credential" }));
    expect(callsOf(fetch).some((c) => c.key.includes("rotate"))).toBe(false);
    fireEvent.click(screen.getByRole("button", { name: "Confirm" }));
    expect(await screen.findByText("rakkr_node_new")).toBeTruthy();
  });

  it("shows the server's message for an unknown node", async () => {
    fakeController({
      "GET /api/v1/auth/me": meReply(["viewer"], ["node:read"]),
      "GET /api/v1/nodes/nope": errorReply(404, "node.notFound", "No node with id nope."),
    });
    renderApp("/nodes/nope");
    expect(await screen.findByText("No node with id nope.")).toBeTruthy();
  });
});

describe("MeterBank without frames", () => {
  beforeEach(() => {
    tokenStore.set("tok", null);
    vi.stubGlobal("WebSocket", FakeWebSocket);
  });

  it("treats 404 node.metersNotFound as no frames yet, not an error", async () => {
    fakeController({
      "GET /api/v1/auth/me": meReply(["viewer"], ["node:read"]),
      "GET /api/v1/nodes/node-1": { status: 200, body: { data: nodeFixture() } },
      "GET /api/v1/nodes/node-1/meters": errorReply(404, "node.metersNotFound", "this node has not sent any meter frame"),
    });
    renderApp("/nodes/node-1");
    expect(await screen.findByText("No meter frames from this node yet.")).toBeTruthy();
    expect(screen.queryByText("this node has not sent any meter frame")).toBeNull();
  });
});
