import { describe, expect, it } from "vitest";
import { splitTimestamp, timestampOrder } from "./pod-logs.ts";

describe("splitTimestamp", () => {
  it("splits the kubelet's timestamp from the container's text", () => {
    expect(splitTimestamp('2026-11-28T10:20:01.123456789Z {"msg":"listening"}')).toEqual({
      timestamp: "2026-11-28T10:20:01.123456789Z",
      text: '{"msg":"listening"}',
    });
    expect(splitTimestamp("2026-11-28T10:20:01Z ")).toEqual({ timestamp: "2026-11-28T10:20:01Z", text: "" });
    expect(splitTimestamp("2026-11-28T10:20:01.5Z")).toEqual({
      timestamp: "2026-11-28T10:20:01.5Z",
      text: "",
    });
  });

  it("leaves a line without a timestamp whole", () => {
    expect(splitTimestamp("plain text here")).toEqual({ text: "plain text here" });
    expect(splitTimestamp("")).toEqual({ text: "" });
    expect(splitTimestamp("2026-11-28 not a timestamp")).toEqual({ text: "2026-11-28 not a timestamp" });
  });
});

describe("timestampOrder", () => {
  it("orders RFC3339Nano timestamps whose fractions drop trailing zeros", () => {
    const a = timestampOrder("2026-11-28T10:20:05.09Z");
    const b = timestampOrder("2026-11-28T10:20:05.1Z");
    const c = timestampOrder("2026-11-28T10:20:05Z");
    const d = timestampOrder("2026-11-28T10:20:06Z");
    expect(a < b).toBe(true);
    expect(c < a).toBe(true);
    expect(b < d).toBe(true);
    expect(timestampOrder("2026-11-28T10:20:05.100Z")).toBe(b);
  });
});
