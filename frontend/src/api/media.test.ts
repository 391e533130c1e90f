import { describe, expect, it } from "vitest";
import { mediaRefreshDelay } from "./media";

describe("media URLs", () => {
  const now = Date.parse("2026-11-27T06:00:00Z");
  it("refreshes a minute before the ticket expires, at once when it is (nearly) gone", () => {
    expect(mediaRefreshDelay("2026-11-27T06:10:00Z", now)).toBe(9 * 60_000);
    expect(mediaRefreshDelay("2026-11-27T06:00:30Z", now)).toBe(0);
    expect(mediaRefreshDelay("2026-11-27T05:59:00Z", now)).toBe(0);
    expect(mediaRefreshDelay("not a time", now)).toBe(0);
    expect(mediaRefreshDelay("2026-11-27T06:10:00Z", now, 0)).toBe(10 * 60_000);
  });
});
