import type { OutputStream } from "../exec/index.ts";

/**
 * StepContext is what a running step gets from the engine: a signal that fires on cancellation,
 * ways to report, and the results of the steps it needs.
 */
export interface StepContext {
  signal: AbortSignal;
  /** Reports a log line; pass it as exec's onLine so tool output becomes log events. */
  log(line: string, stream?: OutputStream | "info"): void;
  /** Reports progress on long work: a message and, when known, a fraction in [0, 1]. */
  progress(message: string, fraction?: number): void;
  /** Publishes an output shown at the end of the plan (an endpoint, a URL, a context name). */
  output(key: string, label: string, value: string): void;
  /** The value an earlier step returned from apply() or check(). */
  resultOf<T>(stepId: string): T;
}

/**
 * CheckResult says whether the world already holds what a step would make. When satisfied, apply()
 * is not run and the step succeeds as unchanged; value is handed to dependants as the step's result.
 */
export type CheckResult<T> = { satisfied: false } | { satisfied: true; value: T; summary?: string };

/**
 * Step is one named unit of work in a plan. Steps are idempotent: check() looks at the world and
 * apply() runs only when it does not hold yet. cleanup() undoes a half-done apply() on cancellation.
 */
export interface Step<T = unknown> {
  id: string;
  title: string;
  /** Ids of steps that must succeed first. */
  needs?: string[];
  check?(ctx: StepContext): Promise<CheckResult<T>>;
  apply(ctx: StepContext): Promise<T>;
  /** Runs when the plan is cancelled while (or after) this step ran; must be safe to run twice. */
  cleanup?(ctx: Omit<StepContext, "resultOf">): Promise<void>;
  /**
   * Whether apply() changed the world, judged from its result (default true). For steps whose
   * apply reuses what exists (a cluster, a container), so a re-run reports "unchanged".
   */
  changed?(value: T): boolean;
  /** A short description of what apply() changed, shown on success. */
  summarize?(value: T): string | undefined;
}

/** Plan is a named set of steps forming a directed acyclic graph through `needs`. */
export interface Plan {
  name: string;
  // biome-ignore lint/suspicious/noExplicitAny: a plan's steps each return a different type.
  steps: Step<any>[];
}

/** definePlan checks a plan's graph (unique ids, known needs, no cycles) and returns it. */
// biome-ignore lint/suspicious/noExplicitAny: a plan's steps each return a different type.
export function definePlan(name: string, steps: Step<any>[]): Plan {
  const ids = new Set<string>();
  for (const step of steps) {
    if (ids.has(step.id)) throw new Error(`plan ${name}: step id "${step.id}" is used twice`);
    ids.add(step.id);
  }
  for (const step of steps) {
    for (const need of step.needs ?? []) {
      if (!ids.has(need)) throw new Error(`plan ${name}: step "${step.id}" needs unknown step "${need}"`);
    }
  }
  const visiting = new Set<string>();
  const done = new Set<string>();
  const byId = new Map(steps.map((s) => [s.id, s]));
  const visit = (id: string, path: string[]): void => {
    if (done.has(id)) return;
    if (visiting.has(id)) throw new Error(`plan ${name}: steps form a cycle: ${[...path, id].join(" -> ")}`);
    visiting.add(id);
    for (const need of byId.get(id)?.needs ?? []) visit(need, [...path, id]);
    visiting.delete(id);
    done.add(id);
  };
  for (const step of steps) visit(step.id, []);
  return { name, steps };
}
