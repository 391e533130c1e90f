import { describe, expect, it } from "vitest";
import { formatDate, formatDateTime, formatTime, isoOf, toDate } from "./datetime";

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

describe("formatDateTime", () => {
  it("shows year first with a 24-hour clock in the given zone", () => {
    const t = "2026-11-27T13:03:05Z";
    expect(formatDateTime(t, { timeZone: "UTC" })).toBe("2026-11-27 13:03:05");
    expect(formatDateTime(t, { timeZone: "Europe/Oslo" })).toBe("2026-11-27 14:03:05");
    expect(formatDateTime(t, { timeZone: "America/New_York" })).toBe("2026-11-27 08:03:05");
  });

  it("crosses the date line in the zone, not in UTC", () => {
    expect(formatDateTime("2026-11-27T20:00:00Z", { timeZone: "Asia/Tokyo" })).toBe("2026-11-28 05:00:00");
  });

  it("prints midnight as 00, never 24", () => {
    expect(formatDateTime("2026-01-01T00:00:00Z", { timeZone: "UTC" })).toBe("2026-01-01 00:00:00");
  });

  it("follows daylight saving time", () => {
    expect(formatDateTime("2026-07-01T12:00:00Z", { timeZone: "Europe/Oslo" })).toBe("2026-07-01 14:00:00");
    expect(formatDateTime("2026-01-01T12:00:00Z", { timeZone: "Europe/Oslo" })).toBe("2026-01-01 13:00:00");
  });

  it("uses the browser's zone by default", () => {
    const d = new Date(2026, 10, 27, 14, 3, 5);
    const want = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
    expect(formatDateTime(d)).toBe(want);
    expect(formatDateTime(d)).toBe("2026-11-27 14:03:05");
    expect(formatDateTime(d.getTime())).toBe(want);
    expect(formatDateTime(d.toISOString())).toBe(want);
  });

  it("shows a dash (or the given text) for missing and invalid values", () => {
    expect(formatDateTime(null)).toBe("—");
    expect(formatDateTime(undefined)).toBe("—");
    expect(formatDateTime("")).toBe("—");
    expect(formatDateTime("not a date")).toBe("—");
    expect(formatDateTime(Number.NaN, { empty: "never" })).toBe("never");
  });
});

describe("formatDate / formatTime / isoOf", () => {
  it("split the same instant", () => {
    const t = "2026-03-09T07:08:09Z";
    expect(formatDate(t, { timeZone: "UTC" })).toBe("2026-03-09");
    expect(formatTime(t, { timeZone: "UTC" })).toBe("07:08:09");
    expect(isoOf(t)).toBe("2026-03-09T07:08:09.000Z");
    expect(isoOf("nope")).toBeUndefined();
    expect(toDate(0)?.getTime()).toBe(0);
  });
});
