import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";
import { tokenStore } from "../auth/token";
import { nodeFixture } from "../test/fixtures";
import { callsOf, errorReply, fakeController, listReply, meReply, renderApp } from "../test/harness";

const profiles = {
  status: 200,
  body: {
    data: [
      { id: "p-wav", name: "WAV 24", codec: "wav", bitrateKbps: 0, vbr: false, bitDepth: 24, channelMode: "stereo", chunkSeconds: 60, builtin: true },
      { id: "p-mine", name: "Podcast", codec: "mp3", bitrateKbps: 192, vbr: true, bitDepth: 0, channelMode: "mono", chunkSeconds: 300, builtin: false },
    ],
  },
};
const templates = {
  status: 200,
  body: {
    data: [
      {
        id: "t-1",
        name: "Swap",
        channelMode: "stereo",
        revision: 2,
        tags: ["desk"],
        entries: [
          { sourceChannelIndex: 1, outputChannelIndex: 2, label: "L", included: true },
          { sourceChannelIndex: 2, outputChannelIndex: 1, label: "R", included: true },
        ],
      },
    ],
  },
};
const assignments = { status: 200, body: { data: [{ targetType: "interface", targetId: "if-1", templateId: "t-1" }] } };

beforeEach(() => tokenStore.set("tok-s", null));

describe("SettingsPage", () => {
  it("keeps built-in profiles read-only and creates a profile with the server's error shown", async () => {
    let body: unknown;
    fakeController({
      "GET /api/v1/auth/me": meReply(["admin"], ["settings:read", "settings:manage", "node:read"]),
      "GET /api/v1/settings/recording-profiles": profiles,
      "POST /api/v1/settings/recording-profiles": (init: RequestInit) => {
        body = JSON.parse(String(init.body));
        return errorReply(409, "profile.nameTaken", "A profile named Podcast exists.");
      },
      "GET /api/v1/settings/channel-map-templates": templates,
      "GET /api/v1/settings/channel-map-assignments": assignments,
      "GET /api/v1/nodes?limit=500": listReply([nodeFixture()]),
    });
    renderApp("/settings");
    const table = await screen.findByRole("table", { name: "Recording profiles" });
    const builtin = within(table).getByText("WAV 24").closest("tr")!;
    expect(within(builtin as HTMLElement).getByText("read-only")).toBeTruthy();
    expect(within(table).getByRole("button", { name: "Edit profile Podcast" })).toBeTruthy();
    expect(within(table).getByText("192 kbit/s VBR")).toBeTruthy();

    fireEvent.click(screen.getByRole("button", { name: "New profile" }));
    const dialog = await screen.findByRole("dialog", { name: "New recording profile" });
    fireEvent.change(within(dialog).getByLabelText("Profile name"), { target: { value: "Podcast" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Save profile" }));
    expect((await within(dialog).findByRole("alert")).textContent).toBe("A profile named Podcast exists.");
    expect(body).toEqual({ name: "Podcast", codec: "flac", bitrateKbps: 0, vbr: false, bitDepth: 24, channelMode: "stereo", chunkSeconds: 60 });

    // Templates with entries and their assignment.
    const tt = screen.getByRole("table", { name: "Channel-map templates" });
    expect(within(tt).getByText("1→2 L, 2→1 R")).toBeTruthy();
    const at = screen.getByRole("table", { name: "Assignments" });
    expect(within(at).getByText("Swap")).toBeTruthy();
  });

  it("assigns a template to an interface", async () => {
    const fetch = fakeController({
      "GET /api/v1/auth/me": meReply(["admin"], ["settings:read", "settings:manage", "node:read"]),
      "GET /api/v1/settings/recording-profiles": profiles,
      "GET /api/v1/settings/channel-map-templates": templates,
      "GET /api/v1/settings/channel-map-assignments": { status: 200, body: { data: [] } },
      "PUT /api/v1/settings/channel-map-assignments": { status: 200, body: { data: { targetType: "interface", targetId: "if-1", templateId: "t-1" } } },
      "GET /api/v1/nodes?limit=500": listReply([nodeFixture()]),
    });
    renderApp("/settings");
    const form = await screen.findByRole("form", { name: "Assign a template" });
    await waitFor(() => expect(within(form).getByRole("option", { name: "studio-a / Desk" })).toBeTruthy());
    fireEvent.change(within(form).getByLabelText("Target"), { target: { value: "if-1" } });
    fireEvent.change(within(form).getByLabelText("Template"), { target: { value: "t-1" } });
    fireEvent.click(within(form).getByRole("button", { name: "Assign" }));
    await waitFor(() =>
      expect(callsOf(fetch).find((c) => c.key === "PUT /api/v1/settings/channel-map-assignments")?.body).toEqual({
        targetType: "interface",
        targetId: "if-1",
        templateId: "t-1",
      }),
    );
  });

  it("shows a read-only view with the reason to callers without settings:manage", async () => {
    fakeController({
      "GET /api/v1/auth/me": meReply(["viewer"], ["settings:read"]),
      "GET /api/v1/settings/recording-profiles": profiles,
      "GET /api/v1/settings/channel-map-templates": templates,
      "GET /api/v1/settings/channel-map-assignments": assignments,
    });
    renderApp("/settings");
    await screen.findByRole("table", { name: "Recording profiles" });
    const create = screen.getByRole("button", { name: "New profile" });
    expect((create as HTMLButtonElement).disabled).toBe(true);
    expect(create.getAttribute("title")).toBe("Requires the settings:manage permission.");
    expect(screen.queryByRole("form", { name: "Assign a template" })).toBeNull();
  });
});
