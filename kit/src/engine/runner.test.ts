import { afterEach, describe, expect, it, vi } from "vitest";
import { UserError } from "../errors.ts";
import { type KitEvent, MAX_LOG_LINE_CHARS } from "./events.ts";
import { definePlan, type Step } from "./plan.ts";
import { PlanRun, runPlan } from "./runner.ts";
import { PlanStore } from "./state.ts";

/** deferred is a promise the test settles when it wants to. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/**
 * A step that waits until released (or aborted), so tests control timing without sleeps. started
 * resolves once its apply runs and listens for the abort, so a test can act on a running step.
 */
function gatedStep(id: string, needs: string[] = [], log: string[] = []) {
  const gate = deferred();
  const running = deferred();
  const step: Step<string> = {
    id,
    title: id,
    needs,
    async apply(ctx) {
      log.push(`start ${id}`);
      await new Promise<void>((resolve, reject) => {
        gate.promise.then(resolve);
        ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason));
        running.resolve();
      });
      log.push(`end ${id}`);
      return id;
    },
  };
  return { step, release: gate.resolve, started: running.promise };
}

/**
 * settle lets every promise continuation already queued run (one turn of the event loop, no clock
 * involved), so a test can check what the runner did not do in reaction to an event.
 */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** fakeClock puts timers and Date on vitest's fake clock; the describe's afterEach restores them. */
const fakeClock = (): void => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
};

function collect(): {
  events: KitEvent[];
  sink: (e: KitEvent) => void;
  /** next resolves once an event of this type for this step has been emitted (now or earlier). */
  next: (type: KitEvent["type"], step: string) => Promise<void>;
} {
  const events: KitEvent[] = [];
  const waiters: { matches: (e: KitEvent) => boolean; resolve: () => void }[] = [];
  return {
    events,
    sink: (e) => {
      events.push(e);
      for (const w of waiters.filter((w) => w.matches(e))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    },
    next: (type, step) => {
      const matches = (e: KitEvent): boolean => e.type === type && "step" in e && e.step === step;
      if (events.some(matches)) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ matches, resolve }));
    },
  };
}

const timeOf = (events: KitEvent[], type: KitEvent["type"], step: string): number => {
  const event = events.find((e) => e.type === type && "step" in e && e.step === step);
  if (!event) throw new Error(`no ${type} for ${step}`);
  return event.time;
};

describe("runPlan", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("runs independent steps concurrently: their running intervals overlap", async () => {
    // Event times come from Date.now, so the intervals are measured on the fake clock.
    fakeClock();
    const slow = (id: string): Step<void> => ({
      id,
      title: id,
      apply: () => new Promise((resolve) => setTimeout(resolve, 60)),
    });
    const { events, sink } = collect();
    const running = runPlan(definePlan("p", [slow("a"), slow("b"), slow("c")]), { sink });
    await vi.advanceTimersByTimeAsync(60);
    const result = await running;
    expect(result.ok).toBe(true);
    const intervals = ["a", "b", "c"].map((id) => [
      timeOf(events, "step-started", id),
      timeOf(events, "step-succeeded", id),
    ]);
    // Every step started before any step ended: all three ran at the same time.
    const lastStart = Math.max(...intervals.map(([s]) => s as number));
    const firstEnd = Math.min(...intervals.map(([, e]) => e as number));
    expect(lastStart).toBeLessThan(firstEnd);
  });

  it("starts a step only after everything it needs has succeeded, and hands it their results", async () => {
    const order: string[] = [];
    const a = gatedStep("a", [], order);
    const b = gatedStep("b", [], order);
    const c: Step<string> = {
      id: "c",
      title: "c",
      needs: [a.step, b.step],
      async apply(ctx) {
        order.push("start c");
        return `${ctx.resultOf(a.step)}+${ctx.resultOf(b.step)}`;
      },
    };
    const { sink, next } = collect();
    const running = runPlan(definePlan("p", [a.step, b.step, c]), { sink });
    await Promise.all([a.started, b.started]);
    a.release();
    await next("step-succeeded", "a");
    await settle();
    expect(order).not.toContain("start c");
    b.release();
    const result = await running;
    expect(result.results.c).toBe("a+b");
    expect(order.indexOf("start c")).toBeGreaterThan(order.indexOf("end b"));
  });

  it("respects a concurrency limit", async () => {
    fakeClock();
    let running = 0;
    let peak = 0;
    const step = (id: string): Step<void> => ({
      id,
      title: id,
      async apply() {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 15));
        running--;
      },
    });
    const done = runPlan(definePlan("p", ["a", "b", "c", "d"].map(step)), {
      sink: () => undefined,
      concurrency: 2,
    });
    await vi.runAllTimersAsync();
    await done;
    expect(peak).toBe(2);
  });

  it("a failed step skips its dependants, lets unrelated steps finish, and runs its cleanup", async () => {
    const cleaned: string[] = [];
    const failing: Step<void> = {
      id: "cluster",
      title: "cluster",
      async apply() {
        throw new UserError("port 5001 is taken", { hint: "free it" });
      },
      async cleanup() {
        cleaned.push("cluster");
      },
    };
    const dependant: Step<void> = {
      id: "deploy",
      title: "deploy",
      needs: ["cluster"],
      apply: async () => undefined,
    };
    const transitive: Step<void> = {
      id: "verify",
      title: "verify",
      needs: ["deploy"],
      apply: async () => undefined,
    };
    const unrelated: Step<void> = { id: "db", title: "db", apply: async () => undefined };
    const { events, sink } = collect();
    const result = await runPlan(definePlan("p", [failing, dependant, transitive, unrelated]), { sink });
    expect(result.ok).toBe(false);
    expect(result.statuses).toEqual({
      cluster: "failed",
      deploy: "skipped",
      verify: "skipped",
      db: "succeeded",
    });
    expect(cleaned).toEqual(["cluster"]);
    const failed = events.find((e) => e.type === "step-failed");
    expect(failed).toMatchObject({ error: { kind: "user", message: "port 5001 is taken", hint: "free it" } });
    expect(events.find((e) => e.type === "step-skipped" && e.step === "deploy")).toMatchObject({
      reason: "needs cluster, which failed",
    });
  });

  it("cancellation aborts running steps, cleans them up, and skips pending ones", async () => {
    const cleaned: string[] = [];
    const a = gatedStep("a");
    a.step.cleanup = async () => {
      cleaned.push("a");
    };
    const b = gatedStep("b", ["a"]);
    const controller = new AbortController();
    const { events, sink } = collect();
    const running = runPlan(definePlan("p", [a.step, b.step]), { sink, signal: controller.signal });
    await a.started;
    controller.abort();
    const result = await running;
    expect(result.cancelled).toBe(true);
    expect(result.ok).toBe(false);
    expect(result.statuses).toEqual({ a: "skipped", b: "skipped" });
    expect(cleaned).toEqual(["a"]);
    expect(events.at(-1)).toMatchObject({ type: "plan-finished", cancelled: true });
    expect(events.some((e) => e.type === "step-cleanup" && e.step === "a" && e.ok)).toBe(true);
  });

  it("is idempotent: a second run whose checks hold changes nothing", async () => {
    const world = new Set<string>();
    let applies = 0;
    const ensure = (id: string, needs: string[] = []): Step<string> => ({
      id,
      title: id,
      needs,
      async check() {
        return world.has(id) ? { satisfied: true, value: id } : { satisfied: false };
      },
      async apply() {
        applies++;
        world.add(id);
        return id;
      },
    });
    const plan = definePlan("p", [ensure("a"), ensure("b", ["a"])]);
    const first = collect();
    await runPlan(plan, { sink: first.sink });
    expect(applies).toBe(2);
    const second = collect();
    const result = await runPlan(plan, { sink: second.sink });
    expect(result.ok).toBe(true);
    expect(applies).toBe(2);
    const succeeded = second.events.filter((e) => e.type === "step-succeeded");
    expect(succeeded.map((e) => e.type === "step-succeeded" && e.changed)).toEqual([false, false]);
  });

  it("lets a step that reuses what exists report itself unchanged", async () => {
    const { events, sink } = collect();
    await runPlan(
      definePlan("p", [
        { id: "reuse", title: "reuse", apply: async () => ({ created: false }), changed: (v) => v.created },
        { id: "make", title: "make", apply: async () => ({ created: true }), changed: (v) => v.created },
      ]),
      { sink },
    );
    const changed = Object.fromEntries(
      events.flatMap((e) => (e.type === "step-succeeded" ? [[e.step, e.changed]] : [])),
    );
    expect(changed).toEqual({ reuse: false, make: true });
  });

  it("rejects plans with unknown needs or cycles", () => {
    const s = (id: string, needs: string[]): Step<void> => ({
      id,
      title: id,
      needs,
      apply: async () => undefined,
    });
    expect(() => definePlan("p", [s("a", ["nope"])])).toThrow(/unknown step "nope"/);
    expect(() => definePlan("p", [s("a", ["b"]), s("b", ["a"])])).toThrow(/cycle/);
    expect(() => definePlan("p", [s("a", []), s("a", [])])).toThrow(/used twice/);
  });

  it("feeds a store whose state matches the events", async () => {
    const store = new PlanStore();
    await runPlan(
      definePlan("p", [
        {
          id: "a",
          title: "A",
          async apply(ctx) {
            ctx.log("hello");
            ctx.progress("half", 0.5);
            ctx.output("url", "App", "http://localhost:30080");
            return 1;
          },
        },
      ]),
      { sink: store.dispatch },
    );
    const state = store.getState();
    expect(state.steps.a?.status).toBe("succeeded");
    expect(state.steps.a?.logs.map((l) => l.line)).toEqual(["hello"]);
    expect(state.outputs).toEqual([{ key: "url", label: "App", value: "http://localhost:30080" }]);
    expect(state.finished?.ok).toBe(true);
  });

  it("retry runs a failed step and the dependants it skipped again; the store follows", async () => {
    let attempts = 0;
    const ran: string[] = [];
    const store = new PlanStore();
    const { events, sink } = collect();
    const plan = definePlan("p", [
      {
        id: "ports",
        title: "ports",
        async apply() {
          attempts++;
          ran.push("ports");
          if (attempts === 1) throw new UserError("Port 4566 is already in use");
          return undefined;
        },
      },
      { id: "cluster", title: "cluster", needs: ["ports"], apply: async () => void ran.push("cluster") },
      { id: "deploy", title: "deploy", needs: ["cluster"], apply: async () => void ran.push("deploy") },
      { id: "images", title: "images", apply: async () => void ran.push("images") },
    ]);
    const run = new PlanRun(plan, {
      sink: (e) => {
        sink(e);
        store.dispatch(e);
      },
    });
    const first = await run.run();
    expect(first.ok).toBe(false);
    expect(first.statuses).toMatchObject({ ports: "failed", cluster: "skipped", deploy: "skipped" });
    expect(store.getState().finished?.ok).toBe(false);

    // Retrying a step that did not fail changes nothing.
    expect((await run.retry("images")).ok).toBe(false);
    const again = await run.retry("ports");
    expect(again.ok).toBe(true);
    expect(ran).toEqual(["ports", "images", "ports", "cluster", "deploy"]);
    expect(events.find((e) => e.type === "plan-retrying")).toMatchObject({
      steps: ["ports", "cluster", "deploy"],
    });
    expect(events.filter((e) => e.type === "plan-finished").map((e) => "ok" in e && e.ok)).toEqual([
      false,
      true,
    ]);
    const state = store.getState();
    expect(state.finished?.ok).toBe(true);
    expect(Object.values(state.steps).map((s) => s.status)).toEqual([
      "succeeded",
      "succeeded",
      "succeeded",
      "succeeded",
    ]);
    expect(state.steps.ports?.error).toBeUndefined();
  });

  it("a retry is cancelled by the plan's signal, like the first run", async () => {
    const controller = new AbortController();
    let attempts = 0;
    const blocker = gatedStep("after", ["flaky"]);
    const plan = definePlan("p", [
      {
        id: "flaky",
        title: "flaky",
        async apply() {
          if (++attempts === 1) throw new Error("first try fails");
          return undefined;
        },
      },
      blocker.step,
    ]);
    const run = new PlanRun(plan, { sink: () => undefined, signal: controller.signal });
    expect((await run.run()).ok).toBe(false);
    const retrying = run.retry("flaky");
    // Cancel while the retry runs the step after flaky.
    await blocker.started;
    controller.abort();
    const result = await retrying;
    expect(result.cancelled).toBe(true);
    // As in a first run, a step stopped by the cancel counts as skipped.
    expect(result.statuses).toMatchObject({ flaky: "succeeded", after: "skipped" });
  });

  it("clips a log line of megabytes (terraform's schema JSON) to a bounded length, saying so", async () => {
    const { events, sink } = collect();
    const huge = `{"provider_schemas":${"x".repeat(2_000_000)}}`;
    await runPlan(
      definePlan("p", [
        {
          id: "a",
          title: "A",
          async apply(ctx) {
            ctx.log(huge);
            ctx.log("short line");
          },
        },
      ]),
      { sink },
    );
    const lines = events.flatMap((e) => (e.type === "step-log" ? [e.line] : []));
    expect(lines[0]?.length).toBeLessThan(MAX_LOG_LINE_CHARS + 100);
    expect(lines[0]).toMatch(/^\{"provider_schemas":x+ … \(\d+ more characters cut\)$/);
    expect(lines[1]).toBe("short line");
  });

  it("hands a step the typed result of a step passed as its own ref", async () => {
    const count: Step<number> = { id: "count", title: "count", apply: async () => 41 };
    const next: Step<number> = {
      id: "next",
      title: "next",
      needs: [count],
      // resultOf(count) is a number without a cast: the step object carries its result type.
      apply: async (ctx) => ctx.resultOf(count) + 1,
    };
    const result = await runPlan(definePlan("p", [count, next]), { sink: () => undefined });
    expect(result.results.next).toBe(42);
  });

  it("runs a step listed in after once that step ended, even when it failed; needs still block", async () => {
    const order: string[] = [];
    const fails: Step<void> = {
      id: "fails",
      title: "fails",
      async apply() {
        order.push("fails");
        throw new UserError("no");
      },
    };
    const ordered: Step<void> = {
      id: "ordered",
      title: "ordered",
      after: [fails],
      async apply() {
        order.push("ordered");
      },
    };
    const dependant: Step<void> = {
      id: "dependant",
      title: "d",
      needs: [fails],
      apply: async () => undefined,
    };
    const result = await runPlan(definePlan("p", [ordered, dependant, fails]), { sink: () => undefined });
    expect(order).toEqual(["fails", "ordered"]);
    expect(result.statuses).toEqual({ fails: "failed", ordered: "succeeded", dependant: "skipped" });
    expect(result.ok).toBe(false);
  });

  it("runs an always step after a cancel, with a signal the cancel does not abort", async () => {
    const controller = new AbortController();
    const work = gatedStep("work");
    let restoreSignalAborted: boolean | undefined;
    const restore: Step<string> = {
      id: "restore",
      title: "restore",
      after: ["work"],
      always: true,
      async apply(ctx) {
        // Cancelling again while it runs must not interrupt it.
        controller.abort();
        await settle();
        restoreSignalAborted = ctx.signal.aborted;
        return "restored";
      },
    };
    const later: Step<void> = { id: "later", title: "later", needs: ["work"], apply: async () => undefined };
    const running = runPlan(definePlan("p", [work.step, restore, later]), {
      sink: () => undefined,
      signal: controller.signal,
    });
    await work.started;
    controller.abort();
    const result = await running;
    expect(result.cancelled).toBe(true);
    expect(result.statuses).toEqual({ work: "skipped", restore: "succeeded", later: "skipped" });
    expect(result.results.restore).toBe("restored");
    expect(restoreSignalAborted).toBe(false);
  });

  it("emits a step's structured data as step-data events, in order", async () => {
    const { events, sink } = collect();
    await runPlan(
      definePlan("p", [
        {
          id: "a",
          title: "A",
          async apply(ctx) {
            ctx.data({ kind: "progress", n: 1 });
            ctx.data({ kind: "progress", n: 2 });
          },
        },
      ]),
      { sink },
    );
    const data = events.flatMap((e) => (e.type === "step-data" ? [e] : []));
    expect(data.map((e) => [e.step, e.data])).toEqual([
      ["a", { kind: "progress", n: 1 }],
      ["a", { kind: "progress", n: 2 }],
    ]);
  });

  it("refuses a plan whose after names an unknown step", () => {
    expect(() =>
      definePlan("p", [{ id: "a", title: "a", after: ["ghost"], apply: async () => undefined }]),
    ).toThrow(/needs unknown step "ghost"/);
  });
});
