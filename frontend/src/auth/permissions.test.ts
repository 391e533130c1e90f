import { describe, expect, it } from "vitest";
import { PERMISSIONS, can, canAll, canAny, denyReason, missing } from "./permissions";

const viewer = ["health:read", "metrics:read", "node:read", "recording:read", "settings:read"];

describe("permissions", () => {
  it("mirrors the 24-permission server catalog", () => {
    expect(PERMISSIONS).toHaveLength(24);
    expect(new Set(PERMISSIONS).size).toBe(24);
  });

  it("can() is true only for a held permission", () => {
    expect(can(viewer, "node:read")).toBe(true);
    expect(can(viewer, "auth:manage")).toBe(false);
    expect(can(["auth:manage"], "auth:manage")).toBe(true);
  });

  it("can() grants nothing while permissions are unknown or empty", () => {
    expect(can(undefined, "node:read")).toBe(false);
    expect(can(null, "node:read")).toBe(false);
    expect(can([], "node:read")).toBe(false);
  });

  it("does not treat a prefix or wildcard as a grant", () => {
    expect(can(["node:*"], "node:read")).toBe(false);
    expect(can(["node"], "node:read")).toBe(false);
    expect(can(["node:readx"], "node:read")).toBe(false);
  });

  it("canAll / canAny / missing combine checks", () => {
    expect(canAll(viewer, ["node:read", "settings:read"])).toBe(true);
    expect(canAll(viewer, ["node:read", "recording:create"])).toBe(false);
    expect(canAll(viewer, [])).toBe(true);
    expect(canAny(viewer, ["auth:manage", "node:read"])).toBe(true);
    expect(canAny(viewer, ["auth:manage", "audit:read"])).toBe(false);
    expect(missing(viewer, ["recording:create", "node:read", "settings:read"])).toEqual(["recording:create"]);
  });

  it("denyReason names what is missing, or is null when allowed", () => {
    expect(denyReason(viewer, "node:read")).toBeNull();
    expect(denyReason(viewer, "auth:manage")).toBe("Requires the auth:manage permission.");
    expect(denyReason(viewer, ["recording:create", "node:read", "switcher:map"])).toBe(
      "Requires the recording:create, switcher:map permissions.",
    );
    expect(denyReason(undefined, "node:read")).toBe("Checking your permissions…");
  });
});
