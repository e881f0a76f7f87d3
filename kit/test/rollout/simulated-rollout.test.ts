import { describe, expect, it } from "vitest";
import { analyze } from "../../src/rollout/analyze/index.ts";
import { causeOf } from "../../src/rollout/report/causes.ts";
import { SCENARIOS, simulateRollout } from "./support/simulated-rollout.ts";

// End to end on loopback: the real probe against real servers while a simulated Deployment
// controller, kubelet and kube-proxy roll one pod over to another; the analyzer must pass the
// correct rollout and fail the faulty ones with the right cause.
describe("simulated rollouts, probed live", () => {
  it("passes the correct rollout", { timeout: 60_000 }, async () => {
    const analysis = analyze(await simulateRollout(SCENARIOS.clean as never));
    expect(analysis.failures.map((f) => causeOf(f.evidence))).toEqual([]);
    expect(analysis.ok).toBe(true);
  });

  for (const name of ["exits-on-sigterm", "no-ready-pod", "grace-too-short"]) {
    it(`fails ${name} with that cause`, { timeout: 60_000 }, async () => {
      const analysis = analyze(await simulateRollout(SCENARIOS[name] as never));
      expect(analysis.ok).toBe(false);
      expect(analysis.failures[0]?.class).toBe(name);
    });
  }
});
