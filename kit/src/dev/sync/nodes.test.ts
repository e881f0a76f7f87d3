import { describe, expect, it } from "vitest";
import { type DevrunStatus, parseStatuses, STALE_STATUS_MS, servedState } from "./nodes.ts";

const now = 1_000_000;
const status = (
  pod: string,
  generation: string,
  state: DevrunStatus["state"],
  extra: Partial<DevrunStatus> = {},
) => ({
  pod,
  generation,
  state,
  updatedAt: now - 1000,
  ...extra,
});

describe("servedState", () => {
  it("is serving when every live pod serves the generation, with the slowest swap", () => {
    expect(
      servedState(
        [status("a", "g2", "serving", { swapMs: 300 }), status("b", "g2", "serving", { swapMs: 900 })],
        "g2",
        now,
      ),
    ).toEqual({ state: "serving", pods: 2, swapMs: 900 });
  });

  it("is pending while a pod still serves the previous generation or starts the new one", () => {
    expect(servedState([status("a", "g2", "serving"), status("b", "g1", "serving")], "g2", now)).toEqual({
      state: "pending",
      waitingFor: ["b"],
    });
    expect(servedState([status("a", "g2", "starting")], "g2", now)).toMatchObject({ state: "pending" });
  });

  it("fails when a pod reports the generation failed or crashed", () => {
    expect(
      servedState(
        [status("a", "g2", "serving"), status("b", "g2", "failed", { error: "exit code 2" })],
        "g2",
        now,
      ),
    ).toEqual({ state: "failed", pod: "b", error: "exit code 2" });
    expect(servedState([status("a", "g2", "crashed")], "g2", now)).toEqual({
      state: "failed",
      pod: "a",
      error: "crashed",
    });
  });

  it("a failure of an older generation does not fail the new one", () => {
    expect(servedState([status("a", "g1", "failed", { error: "x" })], "g2", now)).toMatchObject({
      state: "pending",
    });
  });

  it("leaves out reports of pods that are gone (stale) or stopping; none left means no pods", () => {
    const gone = status("old", "g1", "serving", { updatedAt: now - STALE_STATUS_MS - 1 });
    expect(servedState([gone, status("a", "g2", "serving")], "g2", now)).toMatchObject({
      state: "serving",
      pods: 1,
    });
    expect(servedState([gone, status("b", "g1", "stopping")], "g2", now)).toEqual({ state: "no-pods" });
    expect(servedState([], "g2", now)).toEqual({ state: "no-pods" });
  });
});

describe("parseStatuses", () => {
  it("reads devrun's JSON lines and skips torn or foreign ones", () => {
    const text = [
      JSON.stringify(status("a", "g1", "serving")),
      '{"pod":"b","generation":"g1","sta',
      JSON.stringify({ hello: "world" }),
      "",
      JSON.stringify(status("c", "g1", "starting")),
    ].join("\n");
    expect(parseStatuses(text).map((s) => s.pod)).toEqual(["a", "c"]);
  });
});
