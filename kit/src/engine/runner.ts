import { CancelledError, ExternalToolError, errorMessage, KitError } from "../errors.ts";
import { clipLogLine, type ErrorInfo, type EventSink, type KitEvent } from "./events.ts";
import { linkId, type Plan, type Step, type StepContext, type StepLink } from "./plan.ts";

const needsOf = (step: Step<unknown>): string[] => (step.needs ?? []).map(linkId);
const afterOf = (step: Step<unknown>): string[] => (step.after ?? []).map(linkId);

/** StepStatus is where a step is in its life. */
export type StepStatus = "pending" | "running" | "succeeded" | "failed" | "skipped";

/** RunOptions configure one run of a plan. */
export interface PlanRunOptions {
  /** Receives every event, in order. */
  sink: EventSink;
  /** Cancels the plan: running steps are aborted and cleaned up, pending ones skipped. */
  signal?: AbortSignal;
  /** How many steps may run at once. Default: no limit beyond the graph. */
  concurrency?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/** PlanResult is how a plan ended. */
export interface PlanResult {
  ok: boolean;
  cancelled: boolean;
  statuses: Record<string, StepStatus>;
  errors: Record<string, unknown>;
  results: Record<string, unknown>;
}

/** toErrorInfo turns any thrown value into what a front end shows. */
export function toErrorInfo(err: unknown): ErrorInfo {
  if (err instanceof ExternalToolError) {
    return {
      kind: "external",
      message: err.message,
      hint: err.hint,
      command: err.command,
      exitCode: err.exitCode,
      outputTail: err.outputTail,
    };
  }
  if (err instanceof KitError) {
    return {
      kind: err.kind,
      message: err.message,
      hint: err.hint,
      stack: err.kind === "bug" ? err.stack : undefined,
    };
  }
  return { kind: "bug", message: errorMessage(err), stack: err instanceof Error ? err.stack : undefined };
}

/**
 * PlanRun executes a plan: steps start as soon as everything they need has succeeded, up to the
 * concurrency limit. A failed step skips its dependants (others go on); cancellation aborts running
 * steps, runs the cleanup of every interrupted or failed step, and skips what has not started.
 */
export class PlanRun {
  private readonly status = new Map<string, StepStatus>();
  private readonly results = new Map<string, unknown>();
  private readonly errors = new Map<string, unknown>();
  private readonly controllers = new Map<string, AbortController>();
  private readonly startOrder: string[] = [];
  private readonly needsCleanup = new Set<string>();
  private readonly byId: Map<string, Step<unknown>>;
  private readonly now: () => number;
  private cancelled = false;
  private wake: (() => void) | undefined;

  constructor(
    readonly plan: Plan,
    private readonly options: PlanRunOptions,
  ) {
    this.byId = new Map(plan.steps.map((s) => [s.id, s as Step<unknown>]));
    this.now = options.now ?? Date.now;
    for (const step of plan.steps) this.status.set(step.id, "pending");
  }

  private emit(event: KitEvent): void {
    this.options.sink(event);
  }

  /** run executes the plan to the end and reports how it went. */
  async run(): Promise<PlanResult> {
    const started = this.now();
    this.emit({
      type: "plan-started",
      time: started,
      plan: this.plan.name,
      steps: this.plan.steps.map((s) => ({ id: s.id, title: s.title, needs: needsOf(s) })),
    });
    return this.runPending(started);
  }

  /**
   * retry puts a failed step and the dependants it caused to be skipped back to pending and runs
   * them again. Used by the terminal UI's retry key after a plan has finished.
   */
  async retry(stepId: string): Promise<PlanResult> {
    if (this.cancelled || this.status.get(stepId) !== "failed") return this.result();
    const started = this.now();
    const again = [stepId, ...this.dependantsOf(stepId)].filter((id) => {
      const status = this.status.get(id);
      return status === "failed" || status === "skipped";
    });
    for (const id of again) {
      this.status.set(id, "pending");
      this.errors.delete(id);
      this.needsCleanup.delete(id);
    }
    this.emit({ type: "plan-retrying", time: started, plan: this.plan.name, steps: again });
    return this.runPending(started);
  }

  /**
   * runPending runs the pending steps to the end under the plan's cancel signal (cleaning up after
   * a cancel) and emits plan-finished, timed from started.
   */
  private async runPending(started: number): Promise<PlanResult> {
    const onAbort = (): void => this.cancel();
    if (this.options.signal?.aborted) this.cancel();
    this.options.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      await this.schedule();
      if (this.cancelled) await this.runCleanups();
    } finally {
      this.options.signal?.removeEventListener("abort", onAbort);
    }
    const result = this.result();
    this.emit({
      type: "plan-finished",
      time: this.now(),
      plan: this.plan.name,
      ok: result.ok,
      cancelled: this.cancelled,
      durationMs: this.now() - started,
    });
    return result;
  }

  private result(): PlanResult {
    const statuses = Object.fromEntries(this.status);
    return {
      ok: !this.cancelled && [...this.status.values()].every((s) => s === "succeeded"),
      cancelled: this.cancelled,
      statuses,
      errors: Object.fromEntries(this.errors),
      results: Object.fromEntries(this.results),
    };
  }

  private cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    // Steps that always run (putting things back) are not interrupted: they finish their work.
    for (const [id, controller] of this.controllers) {
      if (!this.byId.get(id)?.always) controller.abort(new CancelledError());
    }
    this.wake?.();
  }

  private dependantsOf(id: string): string[] {
    const out = new Set<string>();
    const visit = (target: string): void => {
      for (const step of this.plan.steps) {
        if (needsOf(step).includes(target) && !out.has(step.id)) {
          out.add(step.id);
          visit(step.id);
        }
      }
    };
    visit(id);
    return [...out];
  }

  private runningCount(): number {
    return [...this.status.values()].filter((s) => s === "running").length;
  }

  private async schedule(): Promise<void> {
    const limit = this.options.concurrency ?? Number.POSITIVE_INFINITY;
    const inFlight = new Set<Promise<void>>();
    const ended = (id: string): boolean => {
      const s = this.status.get(id);
      return s !== "pending" && s !== "running";
    };
    for (;;) {
      if (this.cancelled) {
        for (const [id, s] of this.status) {
          if (s === "pending" && !this.byId.get(id)?.always) this.skip(id, "cancelled");
        }
      }
      this.skipBlocked();
      for (const step of this.plan.steps) {
        if (this.runningCount() >= limit) break;
        if (this.status.get(step.id) !== "pending") continue;
        const ready =
          needsOf(step).every((n) => this.status.get(n) === "succeeded") && afterOf(step).every(ended);
        if (ready) {
          const p = this.execute(step).finally(() => {
            inFlight.delete(p);
            this.wake?.();
          });
          inFlight.add(p);
        }
      }
      if (inFlight.size === 0) return;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = undefined;
    }
  }

  private skipBlocked(): void {
    let changed = true;
    while (changed) {
      changed = false;
      for (const step of this.plan.steps) {
        if (this.status.get(step.id) !== "pending") continue;
        const blocker = needsOf(step).find((n) => {
          const s = this.status.get(n);
          return s === "failed" || s === "skipped";
        });
        if (blocker !== undefined) {
          const why = this.status.get(blocker) === "failed" ? "failed" : "was skipped";
          this.skip(step.id, `needs ${blocker}, which ${why}`);
          changed = true;
        }
      }
    }
  }

  private skip(id: string, reason: string): void {
    this.status.set(id, "skipped");
    this.emit({ type: "step-skipped", time: this.now(), step: id, reason });
  }

  private contextFor(step: Step<unknown>, signal: AbortSignal): StepContext {
    return {
      signal,
      log: (line, stream = "info") =>
        this.emit({ type: "step-log", time: this.now(), step: step.id, stream, line: clipLogLine(line) }),
      progress: (message, fraction) =>
        this.emit({ type: "step-progress", time: this.now(), step: step.id, message, fraction }),
      output: (key, label, value) => this.emit({ type: "plan-output", time: this.now(), key, label, value }),
      data: (data) => this.emit({ type: "step-data", time: this.now(), step: step.id, data }),
      resultOf: <T>(link: StepLink): T => {
        const stepId = linkId(link);
        if (!needsOf(step).includes(stepId)) {
          throw new Error(`step ${step.id} read the result of ${stepId}, which it does not list in needs`);
        }
        return this.results.get(stepId) as T;
      },
    };
  }

  private async execute(step: Step<unknown>): Promise<void> {
    const controller = new AbortController();
    this.controllers.set(step.id, controller);
    this.status.set(step.id, "running");
    this.startOrder.push(step.id);
    this.emit({ type: "step-started", time: this.now(), step: step.id });
    const ctx = this.contextFor(step, controller.signal);
    try {
      const checked = step.check ? await step.check(ctx) : { satisfied: false as const };
      if (checked.satisfied) {
        this.results.set(step.id, checked.value);
        this.status.set(step.id, "succeeded");
        this.emit({
          type: "step-succeeded",
          time: this.now(),
          step: step.id,
          changed: false,
          summary: checked.summary ?? "already up to date",
        });
        return;
      }
      this.needsCleanup.add(step.id);
      const value = await step.apply(ctx);
      if (controller.signal.aborted) throw new CancelledError();
      this.needsCleanup.delete(step.id);
      this.results.set(step.id, value);
      this.status.set(step.id, "succeeded");
      this.emit({
        type: "step-succeeded",
        time: this.now(),
        step: step.id,
        changed: step.changed?.(value) ?? true,
        summary: step.summarize?.(value),
      });
    } catch (err) {
      if ((this.cancelled && !step.always) || err instanceof CancelledError) {
        this.status.set(step.id, "skipped");
        this.emit({
          type: "step-skipped",
          time: this.now(),
          step: step.id,
          reason: "cancelled while running",
        });
        return;
      }
      this.errors.set(step.id, err);
      this.status.set(step.id, "failed");
      this.emit({ type: "step-failed", time: this.now(), step: step.id, error: toErrorInfo(err) });
      await this.cleanupStep(step);
    } finally {
      this.controllers.delete(step.id);
    }
  }

  private async cleanupStep(step: Step<unknown>): Promise<void> {
    if (!step.cleanup || !this.needsCleanup.has(step.id)) return;
    this.needsCleanup.delete(step.id);
    const ctx = this.contextFor(step, new AbortController().signal);
    try {
      await step.cleanup(ctx);
      this.emit({ type: "step-cleanup", time: this.now(), step: step.id, ok: true });
    } catch (err) {
      this.emit({
        type: "step-cleanup",
        time: this.now(),
        step: step.id,
        ok: false,
        message: errorMessage(err),
      });
    }
  }

  private async runCleanups(): Promise<void> {
    for (const id of [...this.startOrder].reverse()) {
      const step = this.byId.get(id);
      if (step) await this.cleanupStep(step);
    }
  }
}

/** runPlan runs a plan to the end; see PlanRun. */
export function runPlan(plan: Plan, options: PlanRunOptions): Promise<PlanResult> {
  return new PlanRun(plan, options).run();
}
