import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { fakeRenderClock } from "../../../../test/support/ink-clock.ts";
import type { KitEvent } from "../../../engine/events.ts";
import { PlanStore } from "../../../engine/state.ts";
import { App } from "./App.tsx";

const tick = fakeRenderClock(250);

/** upFailed is the event that ends an up plan with a failure, after durationMs. */
const upFailed = (durationMs: number): KitEvent => ({
  type: "plan-finished",
  time: Date.now(),
  plan: "up",
  ok: false,
  cancelled: false,
  durationMs,
});

describe("App", () => {
  it("renders steps, the failed step's error and hint, and outputs as they arrive", async () => {
    const store = new PlanStore();
    const { lastFrame, unmount } = render(<App store={store} interactive={false} />);
    store.dispatch({
      type: "plan-started",
      time: Date.now(),
      plan: "up",
      steps: [
        { id: "cluster", title: "kind cluster", needs: [] },
        { id: "registry", title: "local registry", needs: [] },
      ],
    });
    store.dispatch({ type: "step-started", time: Date.now(), step: "cluster" });
    await tick();
    expect(lastFrame()).toContain("kind cluster");
    expect(lastFrame()).toMatch(/0\/2 done, 1 running/);
    store.dispatch({
      type: "step-succeeded",
      time: Date.now(),
      step: "cluster",
      changed: true,
      summary: "created",
    });
    store.dispatch({ type: "step-started", time: Date.now(), step: "registry" });
    store.dispatch({
      type: "step-failed",
      time: Date.now(),
      step: "registry",
      error: {
        kind: "external",
        message: "docker run exited with code 125",
        command: "docker run -p 5001:5000 registry",
        outputTail: ["port is already allocated"],
        hint: "Free port 5001.",
      },
    });
    store.dispatch({
      type: "plan-output",
      time: Date.now(),
      key: "kubeContext",
      label: "kube context",
      value: "kind-kit",
    });
    store.dispatch(upFailed(1200));
    await tick();
    const frame = lastFrame() ?? "";
    expect(frame).toContain("✓");
    expect(frame).toContain("error: docker run exited with code 125");
    expect(frame).toContain("| port is already allocated");
    expect(frame).toContain("hint: Free port 5001.");
    expect(frame).toContain("kind-kit");
    expect(frame).toContain("1 failed, 0 skipped, 1 done in 1.2s");
    unmount();
  });

  it("r asks the engine to retry the selected failed step, only once the plan has finished", async () => {
    const store = new PlanStore();
    const retried: string[] = [];
    const { lastFrame, stdin, unmount } = render(<App store={store} onRetry={(id) => retried.push(id)} />);
    store.dispatch({
      type: "plan-started",
      time: Date.now(),
      plan: "up",
      steps: [
        { id: "ports", title: "host ports free", needs: [] },
        { id: "cluster", title: "kind cluster", needs: ["ports"] },
      ],
    });
    store.dispatch({ type: "step-started", time: Date.now(), step: "ports" });
    store.dispatch({
      type: "step-failed",
      time: Date.now(),
      step: "ports",
      error: { kind: "user", message: "Port 4566 (aws.hostPort) is already in use" },
    });
    await tick();
    stdin.write("r");
    await tick();
    expect(retried).toEqual([]);
    expect(lastFrame()).not.toContain("r retry");
    store.dispatch({ type: "step-skipped", time: Date.now(), step: "cluster", reason: "needs ports" });
    store.dispatch(upFailed(300));
    await tick();
    expect(lastFrame()).toContain("r retry failed step");
    stdin.write("r");
    await tick();
    expect(retried).toEqual(["ports"]);
    // The engine's retry event puts the steps back to pending and the plan back to running.
    store.dispatch({ type: "plan-retrying", time: Date.now(), plan: "up", steps: ["ports", "cluster"] });
    store.dispatch({ type: "step-started", time: Date.now(), step: "ports" });
    await tick();
    expect(lastFrame()).toMatch(/0\/2 done, 1 running/);
    expect(lastFrame()).not.toContain("already in use");
    expect(lastFrame()).toContain("q/Ctrl-C stop");
    unmount();
  });
});
