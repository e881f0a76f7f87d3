import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { KitEvent } from "../engine/events.ts";
import { definePlan, type Step } from "../engine/plan.ts";
import { PlanRun } from "../engine/runner.ts";
import { type LockSystem, SYSTEM } from "./lock.ts";
import { openLocalEnvironment } from "./state.ts";
import { environmentStep, releaseLockWhenFinished, underLock } from "./steps.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Two kit processes on one machine, told apart by pid; real sleeps (short polls). */
const processes = new Set([1001, 1002]);
const asProcess = (pid: number): LockSystem => ({
  ...SYSTEM,
  pid,
  host: "test-host",
  processStart: () => "1",
  isRunning: (p) => processes.has(p),
  sleep: (_ms, signal) => SYSTEM.sleep(5, signal),
});

/** A plan like `kit up`'s: a shared step outside the lock, a step that changes the environment under it. */
function upLike(pid: number, checkout: string, env: NodeJS.ProcessEnv, journal: string[]) {
  const environment = openLocalEnvironment(
    "shop",
    { command: "kit up", checkout },
    {
      env,
      system: asProcess(pid),
    },
  );
  const change: Step<string> = {
    id: "terraform",
    title: "terraform",
    async apply() {
      journal.push(`${checkout} starts`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      journal.push(`${checkout} ends`);
      return "applied";
    },
  };
  const plan = definePlan("up", [
    environmentStep({ environment, root: checkout, project: "shop" }),
    { id: "image", title: "image", apply: async () => journal.push(`${checkout} image`) },
    underLock(change, environment.lock),
  ]);
  const events: KitEvent[] = [];
  const release = releaseLockWhenFinished(environment.lock);
  const run = new PlanRun(plan, {
    sink: (event) => {
      events.push(event);
      release(event);
    },
  });
  return { environment, run, events };
}

describe("environment lock steps", () => {
  it("make two runs of one environment take turns, the second saying whom it waits for", async () => {
    const cache = mkdtempSync(join(tmpdir(), "kit-env-steps-"));
    dirs.push(cache);
    const env = { KIT_CACHE_DIR: cache };
    const journal: string[] = [];
    const a = upLike(1001, "/work/a", env, journal);
    const b = upLike(1002, "/work/b", env, journal);
    const first = a.run.run();
    // b starts once a holds the lock.
    while (!a.environment.lock.isHeld) await new Promise((resolve) => setTimeout(resolve, 1));
    const [ra, rb] = await Promise.all([first, b.run.run()]);
    expect([ra.ok, rb.ok]).toEqual([true, true]);
    const critical = journal.filter((line) => !line.endsWith("image"));
    expect(critical).toEqual(["/work/a starts", "/work/a ends", "/work/b starts", "/work/b ends"]);
    // The shared step did not wait for the lock.
    expect(journal.indexOf("/work/b image")).toBeLessThan(journal.indexOf("/work/a ends"));
    const waited = b.events.find((e) => e.type === "step-log" && e.step === "environment");
    expect(waited).toMatchObject({
      line: expect.stringMatching(
        /locked by kit up \(pid 1001\) in \/work\/a since .*; waiting until it finishes/,
      ),
    });
    const shared = b.events.find((e) => e.type === "step-succeeded" && e.step === "environment");
    expect(shared).toMatchObject({ summary: "locked; shared with /work/a" });
    // Both gave the lock up when their run finished.
    expect([a.environment.lock.isHeld, b.environment.lock.isHeld]).toEqual([false, false]);
  });

  it("take the lock again for a step run after the lock was given up (a retry)", async () => {
    const cache = mkdtempSync(join(tmpdir(), "kit-env-steps-"));
    dirs.push(cache);
    const environment = openLocalEnvironment(
      "shop",
      { command: "kit up", checkout: "/work/a" },
      {
        env: { KIT_CACHE_DIR: cache },
        system: asProcess(1001),
      },
    );
    let attempts = 0;
    let heldDuringRetry = false;
    const flaky = underLock<string>(
      {
        id: "deploy",
        title: "deploy",
        async apply() {
          attempts++;
          if (attempts === 1) throw new Error("port taken");
          heldDuringRetry = environment.lock.isHeld;
          return "ok";
        },
      },
      environment.lock,
    );
    const release = releaseLockWhenFinished(environment.lock);
    const run = new PlanRun(
      definePlan("up", [environmentStep({ environment, root: "/work/a", project: "shop" }), flaky]),
      { sink: release },
    );
    expect((await run.run()).ok).toBe(false);
    expect(environment.lock.isHeld).toBe(false);
    expect((await run.retry("deploy")).ok).toBe(true);
    expect(heldDuringRetry).toBe(true);
    expect(environment.lock.isHeld).toBe(false);
  });
});
