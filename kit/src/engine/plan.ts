import type { OutputStream } from "../exec/index.ts";
import type { StepData } from "./events.ts";

/**
 * StepRef names a step and the type of its result. A Step is its own ref: pass the step object to
 * `needs` and `ctx.resultOf`, and the result comes back typed, without a cast on a string id.
 */
export interface StepRef<T> {
  readonly id: string;
  apply(ctx: StepContext): Promise<T>;
}

/** StepLink is how a step names another in needs/after: its ref (typed) or its id. */
// biome-ignore lint/suspicious/noExplicitAny: a link to a step of any result type.
export type StepLink = string | StepRef<any>;

/** linkId returns the id a StepLink names. */
export function linkId(link: StepLink): string {
  return typeof link === "string" ? link : link.id;
}

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
  /**
   * Publishes structured, JSON-safe data about the step's work (a rollout's traffic, a Terraform
   * plan's summary): front ends that know the kind render it, the JSON printer prints it as is.
   */
  data(data: StepData): void;
  /** The value an earlier step (listed in needs) returned from apply() or check(). */
  resultOf<T>(step: StepRef<T>): T;
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
  /** Steps that must succeed first; their results are readable with ctx.resultOf. */
  needs?: StepLink[];
  /** Steps that must have ended first, however they ended (ordering only, no result). */
  after?: StepLink[];
  /**
   * Runs like a finally block: once every step it comes after has ended, whatever their outcome,
   * and even when the plan was cancelled (with a signal of its own, which cancellation does not
   * abort). Its needs must still have succeeded. For putting back what earlier steps changed.
   */
  always?: boolean;
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
  const links = (step: Step<unknown>): string[] => [...(step.needs ?? []), ...(step.after ?? [])].map(linkId);
  for (const step of steps) {
    if (ids.has(step.id)) throw new Error(`plan ${name}: step id "${step.id}" is used twice`);
    ids.add(step.id);
  }
  for (const step of steps) {
    for (const need of links(step)) {
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
    const step = byId.get(id);
    for (const need of step ? links(step) : []) visit(need, [...path, id]);
    visiting.delete(id);
    done.add(id);
  };
  for (const step of steps) visit(step.id, []);
  return { name, steps };
}
