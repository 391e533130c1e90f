import { describe, expect, it } from "vitest";
import { generate } from "../../scripts/gen-api-types.mjs";
import openapi from "../../openapi.json";
import current from "./schema.gen.ts?raw";

describe("generated API types", () => {
  it("schema.gen.ts is up to date with openapi.json (run `npm run gen:api`)", () => {
    expect(current === generate(openapi)).toBe(true);
  });

  it("notices a change in the document (the drift check is not vacuous)", () => {
    const changed = structuredClone(openapi) as { components: { schemas: Record<string, { properties: Record<string, unknown> }> } };
    changed.components.schemas.NodeResponse!.properties.newField = { type: "string" };
    const text = generate(changed);
    expect(text === current).toBe(false);
    expect(text).toContain("newField?: string;");
  });

  it("describes the operations the console calls", () => {
    const text = generate(openapi);
    for (const id of [
      "nodes.list",
      "health.events.list",
      "status.read",
      "audit.events.verify",
      "recordings.create",
      "recordings.list",
      "recordings.get",
      "recordings.facets",
      "recordings.stop",
      "recordings.jobs.list",
      "settings.recording_profiles.list",
      "settings.channel_map_templates.list",
      "settings.channel_map_assignments.assign",
    ]) {
      if (!text.includes(`"${id}"`)) throw new Error(`missing operation ${id}`);
    }
  });
});
