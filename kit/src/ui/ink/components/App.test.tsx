import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { PlanStore } from "../../../engine/state.ts";
import { App } from "./App.tsx";

const tick = () => new Promise((resolve) => setTimeout(resolve, 250));

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
    store.dispatch({
      type: "plan-finished",
      time: Date.now(),
      plan: "up",
      ok: false,
      cancelled: false,
      durationMs: 1200,
    });
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
});
