import { describe, expect, it } from "vitest";
import { mediaRefreshInterval } from "./useMediaUrl";

describe("mediaRefreshInterval", () => {
  const now = Date.parse("2026-11-27T06:00:00Z");
  it("waits until a minute before expiry, at least a second, and not at all without a URL", () => {
    expect(mediaRefreshInterval(undefined, now)).toBe(false);
    expect(mediaRefreshInterval({ url: "/x?ticket=a", expiresAt: "2026-11-27T06:10:00Z" }, now)).toBe(9 * 60_000);
    expect(mediaRefreshInterval({ url: "/x?ticket=a", expiresAt: "2026-11-27T06:00:10Z" }, now)).toBe(1_000);
  });
});
