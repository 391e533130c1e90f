import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";
import { tokenStore } from "../auth/token";
import { auditFixture } from "../test/fixtures";
import { callsOf, errorReply, fakeController, listReply, meReply, renderApp } from "../test/harness";
import { changedKeys, prettyJson } from "./AuditPage";

describe("AuditPage", () => {
  beforeEach(() => tokenStore.set("tok", null));

  const base = {
    "GET /api/v1/auth/me": meReply(["auditor"], ["audit:read"]),
    "GET /api/v1/audit-events": listReply([auditFixture()], { total: 120 }),
    "GET /api/v1/audit-events/au-1": { status: 200, body: { data: auditFixture() } },
  };

  it("lists events, filters by outcome and opens the detail with diff and correlation ids", async () => {
    const fetch = fakeController(base);
    renderApp("/audit");
    await screen.findByText("nodes.update.succeeded");
    expect(screen.getByText("1–50 of 120")).toBeTruthy();
    fireEvent.change(screen.getByLabelText("Outcome"), { target: { value: "denied" } });
    await waitFor(() =>
      expect(callsOf(fetch).some((c) => c.key === "GET /api/v1/audit-events?outcome=denied&limit=50&offset=0")).toBe(true),
    );
    fireEvent.click(screen.getByRole("button", { name: "Details of nodes.update.succeeded #7" }));
    const dialog = await screen.findByRole("dialog", { name: "Audit event" });
    expect(await within(dialog).findByText("req-123")).toBeTruthy();
    expect(within(dialog).getByText("Changed:").textContent).toContain("alias");
    expect(within(dialog).getByRole("region", { name: "Before" }).textContent).toContain('"alias": "old"');
    expect(within(dialog).getByRole("region", { name: "After" }).textContent).toContain('"alias": "studio-a"');
    fireEvent.keyDown(dialog, { key: "Escape" });
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("verifies the chain: OK with rows checked, or the first broken row", async () => {
    let ok = true;
    fakeController({
      ...base,
      "GET /api/v1/audit-events/verify": () => ({
        status: 200,
        body: {
          data: ok
            ? { ok: true, checked: 42 }
            : { ok: false, checked: 9, firstBrokenId: "au-9", firstBrokenSeq: 9, problem: "hash mismatch" },
        },
      }),
    });
    renderApp("/audit");
    fireEvent.click(await screen.findByRole("button", { name: "Verify chain" }));
    expect((await screen.findByText(/Chain OK/)).textContent).toBe("Chain OK — 42 rows checked.");
    ok = false;
    fireEvent.click(screen.getByRole("button", { name: "Verify chain" }));
    const alert = await screen.findByText(/Chain broken/);
    expect(alert.textContent).toContain("row 9");
    expect(alert.textContent).toContain("au-9");
    expect(alert.textContent).toContain("hash mismatch");
  });

  it("filters by From/To typed year first, sending RFC 3339 UTC as before; an impossible date sends nothing", async () => {
    const fetch = fakeController(base);
    renderApp("/audit");
    await screen.findByText("nodes.update.succeeded");
    const from = screen.getByLabelText("From");
    expect((from as HTMLInputElement).placeholder).toBe("YYYY-MM-DD HH:MM");
    fireEvent.change(from, { target: { value: "2026-11-27 08:00" } });
    fireEvent.blur(from);
    const to = screen.getByLabelText("To");
    fireEvent.change(to, { target: { value: "2026-11-28" } });
    fireEvent.keyDown(to, { key: "Enter" });
    const want = new URLSearchParams({
      from: new Date("2026-11-27T08:00").toISOString(),
      to: new Date("2026-11-28T00:00").toISOString(),
    });
    await waitFor(() =>
      expect(callsOf(fetch).map((c) => c.key)).toContain(`GET /api/v1/audit-events?${want.toString()}&limit=50&offset=0`),
    );
    const before = callsOf(fetch).length;
    fireEvent.change(to, { target: { value: "2026-02-30 10:00" } });
    fireEvent.blur(to);
    expect((await screen.findByRole("alert")).textContent).toBe("2026-02-30 is not a valid date.");
    expect(to.getAttribute("aria-invalid")).toBe("true");
    expect(callsOf(fetch).slice(before).filter((c) => c.key.startsWith("GET /api/v1/audit-events?"))).toEqual([]);
  });

  it("shows the server's message when the list is refused", async () => {
    fakeController({
      ...base,
      "GET /api/v1/audit-events": errorReply(400, "request.invalid", "from: must be RFC 3339"),
    });
    renderApp("/audit");
    expect(await screen.findByText("from: must be RFC 3339")).toBeTruthy();
  });

  it("is unavailable without audit:read", async () => {
    fakeController({ "GET /api/v1/auth/me": meReply(["viewer"], ["node:read"]) });
    renderApp("/audit");
    expect(await screen.findByText("Audit is unavailable")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Verify chain" })).toBeNull();
  });

  it("diffs top-level keys with stable JSON", () => {
    expect(changedKeys({ a: 1, b: { x: 1, y: 2 } }, { a: 1, b: { y: 2, x: 1 }, c: 3 })).toEqual(["c"]);
    expect(changedKeys(null, { a: 1 })).toEqual(["a"]);
    expect(prettyJson({ b: 1, a: 2 })).toBe('{\n  "a": 2,\n  "b": 1\n}');
  });
});
