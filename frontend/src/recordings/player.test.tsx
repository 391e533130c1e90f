import { fireEvent, screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Recording } from "../api/recordings";
import { tokenStore } from "../auth/token";
import { FakeWebSocket } from "../test/fixtures";
import { callsOf, fakeController, meReply, renderApp } from "../test/harness";

const recording: Recording = {
  id: "rec-1",
  name: "Council hearing",
  folder: "council",
  tags: [],
  notes: "",
  source: "console",
  status: "cached",
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
  chunkTotal: 1,
  durationSeconds: 5,
  sizeBytes: 4096,
  checksum: "",
  waveform: null,
  failureReason: "",
  createdAt: "2026-11-27T05:00:00Z",
  startedAt: "2026-11-27T05:00:01Z",
  endedAt: "2026-11-27T05:00:06Z",
};

beforeEach(() => {
  FakeWebSocket.instances = [];
  vi.stubGlobal("WebSocket", FakeWebSocket);
  tokenStore.set("tok-r", null);
});

describe("recording player and downloads", () => {
  it("streams from a ticket URL refreshed before it expires, and downloads through one", async () => {
    let issued = 0;
    const fetch = fakeController({
      "GET /api/v1/auth/me": meReply(["operator"], ["recording:read", "recording:playback", "recording:download"]),
      "GET /api/v1/recordings/rec-1": {
        status: 200,
        body: {
          data: {
            ...recording,
            chunks: [{ index: 0, offsetFrames: 0, frames: 48000 * 5, sizeBytes: 4096, sha256: "ab".repeat(32) }],
            jobs: [],
          },
        },
      },
      // Expires 61 s from now: the console refreshes it 60 s early (after 1 s).
      "POST /api/v1/recordings/rec-1/playback": () => ({
        status: 201,
        body: {
          data: {
            url: `/api/v1/recordings/rec-1/stream?ticket=t${++issued}`,
            expiresAt: new Date(Date.now() + 61_000).toISOString(),
          },
        },
      }),
      "POST /api/v1/recordings/rec-1/download": {
        status: 201,
        body: { data: { url: "/api/v1/recordings/rec-1/file?chunk=0&ticket=d1", expiresAt: "2026-11-27T06:10:00Z" } },
      },
    });
    renderApp("/recordings/rec-1");
    const audio = (await screen.findByLabelText("Play Council hearing")) as HTMLAudioElement;
    expect(audio.getAttribute("src")).toBe("/api/v1/recordings/rec-1/stream?ticket=t1");
    expect(audio.getAttribute("preload")).toBe("metadata");
    await waitFor(() => expect(audio.getAttribute("src")).toBe("/api/v1/recordings/rec-1/stream?ticket=t2"), {
      timeout: 3_000,
    });

    const clicked: { href: string; download: string }[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push({ href: this.getAttribute("href") ?? "", download: this.download });
    });
    fireEvent.click(screen.getByRole("button", { name: "Download chunk 0" }));
    await waitFor(() => expect(clicked).toHaveLength(1));
    expect(clicked[0]).toEqual({ href: "/api/v1/recordings/rec-1/file?chunk=0&ticket=d1", download: "Council_hearing.chunk0.flac" });
    expect(callsOf(fetch).map((c) => c.key)).toContain("POST /api/v1/recordings/rec-1/download?chunk=0");
    click.mockRestore();
  });
});
