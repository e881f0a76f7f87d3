import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { fakeRenderClock } from "../../../../test/support/ink-clock.ts";
import type { KitEvent } from "../../../engine/events.ts";
import type { RolloutProgress } from "../../../rollout/index.ts";
import { RolloutLiveStore } from "../../rollout/live.ts";
import { RolloutApp } from "./RolloutApp.tsx";

const tick = fakeRenderClock(300);
/** progress wraps a rollout event as the rollout plan's run step publishes it. */
const progress = (app: string, run: number, event: RolloutProgress): KitEvent => ({
  type: "step-data",
  time: event.time,
  step: `run:${app}#${run}`,
  data: { kind: "rollout-progress", app, run, event },
});
const zero = { started: 0, ok: 0, failed: 0, open: 0, connected: 0 };

describe("RolloutApp", () => {
  it("shows traffic counts, failures and the timeline as a rollout goes, then each run's verdict", async () => {
    const store = new RolloutLiveStore(1);
    const { lastFrame, unmount } = render(<RolloutApp store={store} active={false} />);
    const now = Date.now();
    store.dispatch(
      progress("node-app", 1, {
        type: "phase",
        time: now,
        phase: "upgrading",
        message: "helm upgrade node-app",
      }),
    );
    store.dispatch(
      progress("node-app", 1, {
        type: "traffic",
        time: now,
        stats: {
          "http-reused": { ...zero, started: 200, ok: 198, failed: 2 },
          "http-fresh": { ...zero, started: 50, ok: 50 },
          slow: { ...zero, started: 4, open: 4 },
          sse: { ...zero, started: 4, open: 4, connected: 4 },
          ws: { ...zero, started: 4, open: 4, connected: 4 },
        },
      }),
    );
    store.dispatch(
      progress("node-app", 1, {
        type: "timeline",
        time: now + 1500,
        event: { time: now + 1500, kind: "endpoint-removed", pod: "node-app-7f9c" },
      }),
    );
    store.dispatch(
      progress("node-app", 1, {
        type: "failure",
        time: now + 1600,
        record: {
          id: 1,
          kind: "http-reused",
          worker: 0,
          start: now,
          end: now + 1600,
          outcome: "http-error",
          status: 503,
        },
      }),
    );
    await tick();
    const frame = lastFrame() ?? "";
    expect(frame).toContain("kit rollout node-app · run 1/1");
    expect(frame).toMatch(/upgrading \(.*\): helm upgrade node-app/);
    expect(frame).toMatch(/http-reused\s+200\s+198\s+2\s+0/);
    expect(frame).toMatch(/1\s+http-reused http-error 503/);
    expect(frame).toMatch(/\+1\.5s endpoint-removed node-app-7f9c/);

    store.dispatch({
      type: "step-data",
      time: now + 9000,
      step: "run:node-app#1",
      data: {
        kind: "rollout-result",
        app: "node-app",
        run: 1,
        ok: false,
        failures: [{ class: "no-readiness", count: 2, cause: "…" }],
      },
    });
    await tick();
    expect(lastFrame()).toContain("✗ node-app run 1 failed: no-readiness (2)");
    unmount();
  });
});
