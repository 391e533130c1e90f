import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Recording } from "../api/recordings";
import { tokenStore } from "../auth/token";
import { FakeWebSocket, nodeFixture } from "../test/fixtures";
import { callsOf, errorReply, fakeController, listReply, meReply, renderApp } from "../test/harness";
import { buildStartRequest } from "./RecordDialog";

function rec(over: Partial<Recording> = {}): Recording {
  return {
    id: "rec-1",
    name: "Council hearing",
    folder: "council",
    tags: ["budget"],
    notes: "",
    source: "console",
    status: "recording",
    healthStatus: "healthy",
    nodeId: "node-1",
    interfaceId: "if-1",
    roomId: "",
    profileId: "p-flac",
    channels: [1, 2],
    channelMode: "stereo",
    codec: "flac",
    sampleRate: 48000,
    channelCount: 2,
    chunkSeconds: 60,
    chunkTotal: 0,
    durationSeconds: 0,
    sizeBytes: 0,
    checksum: "",
    waveform: null,
    failureReason: "",
    createdAt: "2026-11-27T05:00:00Z",
    startedAt: "2026-11-27T05:00:01Z",
    endedAt: null,
    ...over,
  };
}

const ACTIVE = "GET /api/v1/recordings?status=queued%2Crecording&limit=50&sort=-createdAt";

function dashboard(permissions: string[], over: Record<string, unknown> = {}) {
  return {
    "GET /api/v1/auth/me": meReply(["operator"], permissions),
    [ACTIVE]: listReply([rec()]),
    "GET /api/v1/nodes?limit=500": listReply([nodeFixture()]),
    "GET /api/v1/settings/recording-profiles": {
      status: 200,
      body: {
        data: [
          { id: "p-flac", name: "FLAC 24", codec: "flac", bitrateKbps: 0, vbr: false, bitDepth: 24, channelMode: "stereo", chunkSeconds: 60, builtin: true },
        ],
      },
    },
    ...over,
  } as Parameters<typeof fakeController>[0];
}

beforeEach(() => {
  FakeWebSocket.instances = [];
  vi.stubGlobal("WebSocket", FakeWebSocket);
  tokenStore.set("tok-r", null);
});

describe("dashboard recordings", () => {
  it("hides Record without recording:create and disables Stop with the reason without recording:control", async () => {
    fakeController(dashboard(["recording:read"]));
    renderApp("/");
    const table = await screen.findByRole("table", { name: "Active recordings" });
    const stop = within(table).getByRole("button", { name: "Stop Council hearing" });
    expect((stop as HTMLButtonElement).disabled).toBe(true);
    expect(stop.getAttribute("title")).toBe("Requires the recording:control permission.");
    expect(screen.queryByRole("button", { name: "Record" })).toBeNull();
    // Subscribes to the recordings and jobs topics for live refresh.
    const ws = FakeWebSocket.instances.at(-1)!;
    ws.onopen?.(new Event("open"));
    expect(ws.sent.map((s) => JSON.parse(s).topic)).toEqual(["recordings", "jobs"]);
  });

  it("stops a recording after confirming in a dialog", async () => {
    const fetch = fakeController(
      dashboard(["recording:read", "recording:control"], {
        "POST /api/v1/recordings/rec-1/stop": { status: 200, body: { data: rec({ status: "recording" }) } },
      }),
    );
    renderApp("/");
    fireEvent.click(await screen.findByRole("button", { name: "Stop Council hearing" }));
    const dialog = await screen.findByRole("dialog", { name: "Stop recording" });
    fireEvent.click(within(dialog).getByRole("button", { name: "Stop recording" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(callsOf(fetch).some((c) => c.key === "POST /api/v1/recordings/rec-1/stop")).toBe(true);
  });

  it("starts a recording from the Record dialog and shows the server's error", async () => {
    let body: unknown;
    const fetch = fakeController(
      dashboard(["recording:read", "recording:create", "node:read", "settings:read"], {
        "POST /api/v1/recordings": (init: RequestInit) => {
          body = JSON.parse(String(init.body));
          return errorReply(409, "capture_channels_busy", "Channels 1, 2 of Desk are already recording.");
        },
      }),
    );
    renderApp("/");
    fireEvent.click(await screen.findByRole("button", { name: "Record" }));
    const dialog = await screen.findByRole("dialog", { name: "New recording" });
    await waitFor(() => expect((within(dialog).getByLabelText("Name") as HTMLInputElement).value).toMatch(/^studio-a /));
    expect((within(dialog).getByLabelText("Interface") as HTMLSelectElement).value).toBe("if-1");
    expect((within(dialog).getByRole("checkbox", { name: /1: Host/ }) as HTMLInputElement).checked).toBe(true);
    await waitFor(() => expect((within(dialog).getByLabelText("Profile") as HTMLSelectElement).value).toBe("p-flac"));
    fireEvent.change(within(dialog).getByLabelText("Name"), { target: { value: "Take 1" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Start recording" }));
    expect((await within(dialog).findByRole("alert")).textContent).toBe("Channels 1, 2 of Desk are already recording.");
    expect(body).toEqual({
      nodeId: "node-1",
      interfaceId: "if-1",
      channels: [1, 2],
      channelMode: "stereo",
      profileId: "p-flac",
      name: "Take 1",
    });
    expect(callsOf(fetch).filter((c) => c.key === "POST /api/v1/recordings")).toHaveLength(1);
  });
});

describe("buildStartRequest", () => {
  it("sends optional fields only when set", () => {
    expect(
      buildStartRequest({
        nodeId: "n",
        interfaceId: "i",
        channels: [2, 1],
        channelMode: "stereo",
        profileId: "",
        name: " A ",
        folder: " f ",
        tags: "x, y",
        durationMinutes: "1.5",
      }),
    ).toEqual({ nodeId: "n", interfaceId: "i", channels: [1, 2], channelMode: "stereo", name: "A", folder: "f", tags: ["x", "y"], durationSeconds: 90 });
  });
});

describe("recordings library", () => {
  const facets = {
    status: 200,
    body: {
      data: {
        statuses: [{ value: "completed", count: 1 }, { value: "recording", count: 1 }],
        folders: [{ value: "council", count: 2 }],
        tags: [{ value: "budget", count: 2 }],
        nodes: [{ value: "node-1", count: 2 }],
        rooms: [],
      },
    },
  };

  it("lists, filters through the query and refuses bulk delete of a non-terminal recording", async () => {
    const fetch = fakeController({
      "GET /api/v1/auth/me": meReply(["operator"], ["recording:read", "recording:delete", "recording:edit"]),
      "GET /api/v1/recordings": listReply([
        rec({ id: "rec-1", status: "completed", durationSeconds: 65, sizeBytes: 2048 }),
        rec({ id: "rec-2", name: "Live one", status: "recording" }),
      ]),
      "GET /api/v1/recordings/facets": facets,
    });
    renderApp("/recordings");
    const table = await screen.findByRole("table", { name: "Recordings" });
    expect(within(table).getByText("1:05")).toBeTruthy();
    expect(within(table).getByText("2.0 KiB")).toBeTruthy();

    fireEvent.change(screen.getByLabelText("Status"), { target: { value: "completed" } });
    fireEvent.change(screen.getByLabelText("Sort"), { target: { value: "-size" } });
    await waitFor(() =>
      expect(callsOf(fetch).map((c) => c.key)).toContain(
        "GET /api/v1/recordings?status=completed&sort=-size&limit=25&offset=0",
      ),
    );
    expect(callsOf(fetch).map((c) => c.key)).toContain("GET /api/v1/recordings/facets?status=completed");

    fireEvent.click(screen.getByRole("checkbox", { name: "Select Live one" }));
    const del = screen.getByRole("button", { name: "Delete…" });
    expect((del as HTMLButtonElement).disabled).toBe(true);
    expect(del.getAttribute("title")).toMatch(/Only finished recordings can be deleted/);

    fireEvent.click(screen.getByRole("checkbox", { name: "Select Live one" }));
    fireEvent.click(screen.getByRole("checkbox", { name: "Select Council hearing" }));
    expect((screen.getByRole("button", { name: "Delete…" }) as HTMLButtonElement).disabled).toBe(false);
    expect(screen.getByRole("button", { name: "Export CSV" }).getAttribute("data-href")).toBe(
      "/api/v1/recordings/export?status=completed&sort=-size",
    );
  });

  it("filters by From/To typed year first; the URL keeps the datetime-local form and the query RFC 3339", async () => {
    const fetch = fakeController({
      "GET /api/v1/auth/me": meReply(["operator"], ["recording:read"]),
      "GET /api/v1/recordings": listReply([rec({ status: "completed" })]),
      "GET /api/v1/recordings/facets": facets,
    });
    const { router } = renderApp("/recordings?to=2026-12-01T18:30");
    await screen.findByRole("table", { name: "Recordings" });
    const search = screen.getByRole("search", { name: "Filter recordings" });
    expect((within(search).getByLabelText("To") as HTMLInputElement).value).toBe("2026-12-01 18:30");
    const from = within(search).getByLabelText("From");
    fireEvent.change(from, { target: { value: "2026-11-27 08:00" } });
    fireEvent.keyDown(from, { key: "Enter" });
    expect((from as HTMLInputElement).value).toBe("2026-11-27 08:00");
    expect(router.state.location.search).toBe("?to=2026-12-01T18%3A30&from=2026-11-27T08%3A00");
    const want = new URLSearchParams({
      from: new Date("2026-11-27T08:00").toISOString(),
      to: new Date("2026-12-01T18:30").toISOString(),
    });
    await waitFor(() => expect(callsOf(fetch).map((c) => c.key)).toContain(`GET /api/v1/recordings?${want.toString()}&limit=25&offset=0`));

    fireEvent.change(from, { target: { value: "2026-11-27 24:61" } });
    fireEvent.blur(from);
    expect(within(search).getByRole("alert").textContent).toBe("24:61 is not a valid time (00:00–23:59).");
    expect(router.state.location.search).toBe("?to=2026-12-01T18%3A30&from=2026-11-27T08%3A00");

    fireEvent.change(from, { target: { value: "" } });
    fireEvent.blur(from);
    expect(router.state.location.search).toBe("?to=2026-12-01T18%3A30");
  });

  it("disables bulk actions without the permissions", async () => {
    fakeController({
      "GET /api/v1/auth/me": meReply(["viewer"], ["recording:read"]),
      "GET /api/v1/recordings": listReply([rec({ status: "completed" })]),
      "GET /api/v1/recordings/facets": facets,
    });
    renderApp("/recordings");
    await screen.findByRole("table", { name: "Recordings" });
    expect(screen.getByRole("button", { name: "Organise…" }).getAttribute("title")).toBe(
      "Requires the recording:edit permission.",
    );
    expect(screen.getByRole("button", { name: "Delete…" }).getAttribute("title")).toBe(
      "Requires the recording:delete permission.",
    );
    expect(screen.queryByRole("button", { name: "Record" })).toBeNull();
  });
});

describe("recording detail", () => {
  it("shows waveform, chunks and jobs with failure reasons and retry", async () => {
    const fetch = fakeController({
      "GET /api/v1/auth/me": meReply(["operator"], ["recording:read", "recording:control", "recording:playback", "recording:download"]),
      "GET /api/v1/recordings/rec-1": {
        status: 200,
        body: {
          data: {
            ...rec({ status: "failed", durationSeconds: 120, sizeBytes: 4096, failureReason: "agent lost the device" }),
            waveform: { peaks: [0.1, 0.5, 1], channelCount: 2, sampleCount: 3, sampleRate: 48000 },
            chunks: [{ index: 0, offsetFrames: 0, frames: 48000 * 60, sizeBytes: 2048, sha256: "ab".repeat(32) }],
            jobs: [
              { id: "job-1", recordingId: "rec-1", nodeId: "node-1", status: "failed", failureReason: "device vanished", createdAt: "2026-11-27T05:00:00Z" },
            ],
          },
        },
      },
      "POST /api/v1/recording-jobs/job-1/retry": { status: 200, body: { data: { id: "job-1", status: "queued" } } },
    });
    renderApp("/recordings/rec-1");
    await screen.findByRole("img", { name: /Waveform of 2:00, 3 peaks, loudest 0.0 dBFS/ });
    const chunks = screen.getByRole("table", { name: "Chunks" });
    expect(within(chunks).getByText("1:00")).toBeTruthy();
    const jobs = screen.getByRole("table", { name: "Jobs" });
    expect(within(jobs).getByText("device vanished")).toBeTruthy();
    fireEvent.click(within(jobs).getByRole("button", { name: "Retry job job-1" }));
    await waitFor(() => expect(callsOf(fetch).map((c) => c.key)).toContain("POST /api/v1/recording-jobs/job-1/retry"));
    expect((screen.getByRole("button", { name: "Edit metadata" }) as HTMLButtonElement).disabled).toBe(true);
  });

});

describe("organiseRequest", () => {
  it("moves and retags, or changes nothing", async () => {
    const { organiseRequest } = await import("../pages/RecordingsPage");
    expect(organiseRequest(["a", "b"], " council/2026 ", "x, y", "")).toEqual({
      ids: ["a", "b"],
      folder: "council/2026",
      addTags: ["x", "y"],
    });
    expect(organiseRequest(["a"], "", "", "old")).toEqual({ ids: ["a"], removeTags: ["old"] });
    expect(organiseRequest(["a"], " ", "", "")).toBeNull();
  });
});
