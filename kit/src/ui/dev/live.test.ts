import { describe, expect, it } from "vitest";
import type { DevEvent } from "../../dev/loop.ts";
import { DevLiveStore, devToView, MAX_BATCHES, reduceDevState } from "./live.ts";

const T = Date.parse("2026-12-01T10:00:00Z");
const change = (app: string, file: string): DevEvent => ({
  type: "dev-change",
  time: T,
  changes: [{ app, kinds: ["source"], files: [file] }],
});

describe("kit dev's live state", () => {
  it("shows the watch, then a save applying, then what it did and how long it took", () => {
    const store = new DevLiveStore();
    store.dispatch({ type: "dev-watching", time: T, apps: ["go-app", "node-app"], paths: ["a", "b", "c"] });
    expect(devToView(store.getState(), T).watching).toBe(
      "watching go-app, node-app (3 paths): save a file to make it live",
    );
    store.dispatch(change("go-app", "apps/go-app/main.go"));
    expect(devToView(store.getState(), T + 2_500).rows).toEqual([
      expect.objectContaining({
        clock: "10:00:00",
        status: "applying",
        what: "go-app: source (apps/go-app/main.go)",
        result: "applying 2.5 s",
      }),
    ]);
    store.dispatch({
      type: "dev-applied",
      time: T + 4_000,
      apps: ["go-app"],
      ok: true,
      ms: 4_000,
      actions: ["image:go-app: built", "deploy:go-app: upgraded"],
    });
    expect(devToView(store.getState(), T + 9_000).rows[0]).toMatchObject({
      status: "live",
      result: "live in 4.0 s: image:go-app: built; deploy:go-app: upgraded",
    });
  });

  it("says a failed apply failed, with its error, and a no-op that nothing was to do", () => {
    let state = reduceDevState(
      { apps: [], paths: 0, batches: [] },
      change("node-app", "apps/node-app/src/x.ts"),
    );
    state = reduceDevState(state, {
      type: "dev-applied",
      time: T,
      apps: ["node-app"],
      ok: false,
      ms: 1_200,
      actions: [],
      error: "image:node-app: tsc: error TS2322",
    });
    state = reduceDevState(state, change("node-app", "apps/node-app/README.md"));
    state = reduceDevState(state, {
      type: "dev-applied",
      time: T,
      apps: ["node-app"],
      ok: true,
      ms: 300,
      actions: [],
    });
    expect(devToView(state, T).rows.map((r) => [r.status, r.result])).toEqual([
      ["failed", "failed after 1.2 s: image:node-app: tsc: error TS2322"],
      ["live", "live in 0.3 s: nothing to do (image and values unchanged)"],
    ]);
  });

  it("keeps a bounded history and shows the last rows, shortening long file lists", () => {
    let state = reduceDevState(
      { apps: [], paths: 0, batches: [] },
      {
        type: "dev-change",
        time: T,
        changes: [{ app: "go-app", kinds: ["chart", "values"], files: ["a", "b", "c", "d"] }],
      },
    );
    expect(devToView(state, T).rows[0]?.what).toBe("go-app: chart+values (a, b, +2)");
    for (let i = 0; i < MAX_BATCHES + 5; i++) state = reduceDevState(state, change("go-app", `f${i}`));
    expect(state.batches).toHaveLength(MAX_BATCHES);
    expect(devToView(state, T, 3).rows.map((r) => r.what)).toEqual([
      `go-app: source (f${MAX_BATCHES + 2})`,
      `go-app: source (f${MAX_BATCHES + 3})`,
      `go-app: source (f${MAX_BATCHES + 4})`,
    ]);
  });

  it("ignores an applied event with no batch applying", () => {
    const state = { apps: [], paths: 0, batches: [] };
    expect(
      reduceDevState(state, { type: "dev-applied", time: T, apps: [], ok: true, ms: 1, actions: [] }),
    ).toBe(state);
  });
});
