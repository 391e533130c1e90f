import { describe, expect, it } from "vitest";
import {
  EMPTY_FILTERS,
  defaultChannelMode,
  facetQuery,
  filenameOf,
  isTerminal,
  localToRfc3339,
  parseTags,
  recordingFilename,
  recordingQuery,
  recordingsExportHref,
} from "./recordings";

describe("recordingQuery", () => {
  it("leaves out empty filters and the default sort", () => {
    expect(recordingQuery(EMPTY_FILTERS)).toEqual({});
    expect(recordingQuery(EMPTY_FILTERS, { limit: 25, offset: 50 })).toEqual({ limit: 25, offset: 50 });
  });

  it("trims text, converts local dates to RFC 3339 and keeps a chosen sort", () => {
    const from = "2026-11-27T08:00";
    const q = recordingQuery({
      ...EMPTY_FILTERS,
      status: "completed",
      nodeId: "node-1",
      folder: "council/2026",
      tag: "budget",
      q: "  hearing ",
      from,
      to: "",
      sort: "-size",
    });
    expect(q).toEqual({
      status: "completed",
      nodeId: "node-1",
      folder: "council/2026",
      tag: "budget",
      q: "hearing",
      from: new Date(from).toISOString(),
      sort: "-size",
    });
  });

  it("drops invalid dates", () => {
    expect(localToRfc3339("not a date")).toBe("");
    expect(recordingQuery({ from: "garbage" })).toEqual({});
  });

  it("facets use the filters without sort or paging", () => {
    expect(facetQuery({ ...EMPTY_FILTERS, status: "failed", sort: "name" })).toEqual({ status: "failed" });
  });

  it("builds the export link with the same filters", () => {
    expect(recordingsExportHref({ ...EMPTY_FILTERS, tag: "a b", sort: "name" })).toBe(
      "/api/v1/recordings/export?tag=a+b&sort=name",
    );
    expect(recordingsExportHref(EMPTY_FILTERS)).toBe("/api/v1/recordings/export");
  });
});

describe("helpers", () => {
  it("parses comma-separated tags", () => {
    expect(parseTags(" a, b ,, a,c ")).toEqual(["a", "b", "c"]);
    expect(parseTags("")).toEqual([]);
  });

  it("knows terminal statuses", () => {
    for (const s of ["completed", "failed", "cached", "uploaded", "partial"]) expect(isTerminal(s)).toBe(true);
    for (const s of ["queued", "recording"]) expect(isTerminal(s)).toBe(false);
  });

  it("proposes a channel mode for the channel count", () => {
    expect(defaultChannelMode(1)).toBe("mono");
    expect(defaultChannelMode(2)).toBe("stereo");
    expect(defaultChannelMode(6)).toBe("multichannel");
  });

  it("reads Content-Disposition filenames", () => {
    expect(filenameOf('attachment; filename="take 1.wav"')).toBe("take 1.wav");
    expect(filenameOf("attachment; filename*=UTF-8''r%C3%A5d.flac; filename=\"rad.flac\"")).toBe("råd.flac");
    expect(filenameOf(null)).toBeNull();
  });

  it("makes a safe default filename", () => {
    expect(recordingFilename({ id: "r1", name: "Council / 27 Nov", codec: "flac" })).toBe("Council_27_Nov.flac");
    expect(recordingFilename({ id: "r1", name: "", codec: "" }, 3)).toBe("r1.chunk3.wav");
  });
});
