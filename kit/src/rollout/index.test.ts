import { describe, expect, it } from "vitest";
import { podsStillTerminating } from "./index.ts";
import type { TimelineEvent } from "./types.ts";

describe("podsStillTerminating", () => {
  it("counts the pods that began terminating until each is deleted", () => {
    const timeline: TimelineEvent[] = [
      { time: 1, kind: "pod-created", pod: "new" },
      { time: 2, kind: "pod-terminating", pod: "old-a" },
      { time: 3, kind: "pod-terminating", pod: "old-b" },
      { time: 4, kind: "pod-deleted", pod: "old-a" },
    ];
    expect(podsStillTerminating(timeline)).toBe(1);
    timeline.push({ time: 5, kind: "pod-deleted", pod: "old-b" });
    expect(podsStillTerminating(timeline)).toBe(0);
    expect(podsStillTerminating([])).toBe(0);
  });
});
