import { describe, expect, it } from "vitest";
import { localToRfc3339 } from "../api/recordings";
import { DATETIME_INPUT_FORMAT, formatDateTimeInput, parseDateTimeInput } from "./datetimeInput";

const ok = (value: string) => ({ ok: true, value });

describe("parseDateTimeInput", () => {
  it("reads YYYY-MM-DD HH:MM into the stored datetime-local form", () => {
    expect(parseDateTimeInput("2026-11-27 14:03")).toEqual(ok("2026-11-27T14:03"));
    expect(parseDateTimeInput("2026-11-27 00:00")).toEqual(ok("2026-11-27T00:00"));
    expect(parseDateTimeInput("2026-11-27 23:59")).toEqual(ok("2026-11-27T23:59"));
  });

  it("accepts the T separator (either case) and several spaces", () => {
    expect(parseDateTimeInput("2026-11-27T14:03")).toEqual(ok("2026-11-27T14:03"));
    expect(parseDateTimeInput("2026-11-27t14:03")).toEqual(ok("2026-11-27T14:03"));
    expect(parseDateTimeInput("2026-11-27   14:03")).toEqual(ok("2026-11-27T14:03"));
  });

  it("reads a date alone as 00:00", () => {
    expect(parseDateTimeInput("2026-11-27")).toEqual(ok("2026-11-27T00:00"));
  });

  it("ignores surrounding whitespace", () => {
    expect(parseDateTimeInput("  2026-11-27 14:03\t")).toEqual(ok("2026-11-27T14:03"));
    expect(parseDateTimeInput("\n2026-11-27 ")).toEqual(ok("2026-11-27T00:00"));
  });

  it("reads empty or blank text as no filter", () => {
    expect(parseDateTimeInput("")).toEqual(ok(""));
    expect(parseDateTimeInput("   ")).toEqual(ok(""));
  });

  it("accepts 29 February in leap years only", () => {
    expect(parseDateTimeInput("2028-02-29")).toEqual(ok("2028-02-29T00:00"));
    expect(parseDateTimeInput("2000-02-29 12:00")).toEqual(ok("2000-02-29T12:00"));
    expect(parseDateTimeInput("2026-02-29").ok).toBe(false);
    expect(parseDateTimeInput("1900-02-29").ok).toBe(false);
  });

  it("refuses impossible dates with a message naming the date", () => {
    expect(parseDateTimeInput("2026-02-30 10:00")).toEqual({ ok: false, error: "2026-02-30 is not a valid date." });
    for (const t of ["2026-04-31", "2026-13-01", "2026-00-10", "2026-01-00", "2026-01-32", "0000-01-01"]) {
      expect(parseDateTimeInput(t).ok, t).toBe(false);
    }
  });

  it("refuses impossible times with a message naming the time", () => {
    expect(parseDateTimeInput("2026-11-27 24:61")).toEqual({ ok: false, error: "24:61 is not a valid time (00:00–23:59)." });
    expect(parseDateTimeInput("2026-11-27 24:00").ok).toBe(false);
    expect(parseDateTimeInput("2026-11-27 12:60").ok).toBe(false);
  });

  it("refuses other shapes, including locale formats and 12-hour times", () => {
    const error = `Enter the date and time as ${DATETIME_INPUT_FORMAT} (24-hour).`;
    for (const t of [
      "11/27/2026, 02:03 PM",
      "27.11.2026 14:03",
      "2026-11-27 2:03 PM",
      "2026-11-27 14:03:05",
      "2026-1-2 3:04",
      "26-11-27",
      "2026-11-27 14",
      "2026-11-27T",
      "tomorrow",
    ]) {
      expect(parseDateTimeInput(t), t).toEqual({ ok: false, error });
    }
  });

  it("keeps the API query of the datetime-local value it replaces", () => {
    const r = parseDateTimeInput("2026-11-27 08:00");
    expect(r.ok && localToRfc3339(r.value)).toBe(new Date("2026-11-27T08:00").toISOString());
    const d = parseDateTimeInput("2026-11-27");
    expect(d.ok && localToRfc3339(d.value)).toBe(new Date(2026, 10, 27, 0, 0).toISOString());
  });
});

describe("formatDateTimeInput", () => {
  it("shows a stored value year first with a space", () => {
    expect(formatDateTimeInput("2026-11-27T08:05")).toBe("2026-11-27 08:05");
    expect(formatDateTimeInput("")).toBe("");
  });

  it("shows text it cannot read as is", () => {
    expect(formatDateTimeInput("garbage")).toBe("garbage");
  });
});
