import { describe, expect, it } from "vitest";
import { pushedTopic } from "./useLiveTopics";

describe("pushedTopic", () => {
  it("accepts pushes on subscribed topics only", () => {
    expect(pushedTopic(JSON.stringify({ type: "recordings", topic: "recordings", payload: {} }), ["recordings"])).toBe(
      "recordings",
    );
    expect(pushedTopic(JSON.stringify({ type: "jobs", topic: "jobs" }), ["recordings"])).toBeNull();
    expect(pushedTopic(JSON.stringify({ type: "subscribed", topic: "jobs" }), ["jobs"])).toBeNull();
    expect(pushedTopic(JSON.stringify({ type: "error", topic: "jobs" }), ["jobs"])).toBeNull();
    expect(pushedTopic("not json", ["jobs"])).toBeNull();
  });
});
