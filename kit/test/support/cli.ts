/**
 * cli runs the real kit CLI as a subprocess (through kit's exec), the way a user runs it, and
 * reads what it prints. Tests that run kit against an environment use test-environment.ts, so
 * they never act on the user's own environment.
 */
import { join } from "node:path";
import type { KitEvent } from "../../src/engine/events.ts";
import { type RunResult, run } from "../../src/exec/index.ts";
import { runsEveryTime } from "../../src/plans/up.ts";

/** REPO_ROOT is the repository holding kit (its kit.config.yaml is the user's project). */
export const REPO_ROOT = join(import.meta.dirname, "..", "..", "..");

/** KIT_BIN is kit's entry point. */
export const KIT_BIN = join(REPO_ROOT, "kit", "bin", "kit.js");

/**
 * SELECTION_VARIABLES are the variables that choose a project or an environment. A test passes
 * its own and drops whatever the shell running the tests had set.
 */
export const SELECTION_VARIABLES = ["KIT_CONFIG", "KIT_ENV_NAME", "KIT_PORT_OFFSET"] as const;

/** KitRunOptions say where and how to run kit. */
export interface KitRunOptions {
  /** The checkout kit runs in (its kit.config.yaml is the project). */
  cwd: string;
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Each line kit prints, as it prints it (for a long-running command such as kit dev). */
  onLine?: (line: string, stream: "stdout" | "stderr") => void;
}

/** runKit runs the real kit CLI and returns its result without throwing on a non-zero exit. */
export async function runKit(args: string[], options: KitRunOptions): Promise<RunResult> {
  const dropped = Object.fromEntries(SELECTION_VARIABLES.map((name) => [name, undefined]));
  return run(process.execPath, [KIT_BIN, ...args], {
    cwd: options.cwd,
    allowFailure: true,
    timeoutMs: options.timeoutMs ?? 60 * 60_000,
    signal: options.signal,
    env: { ...dropped, CI: "1", FORCE_COLOR: "0", ...options.env },
    onLine: (line, stream) => {
      if (process.env.KIT_TEST_VERBOSE) process.stdout.write(`    kit> ${line}\n`);
      options.onLine?.(line, stream);
    },
  });
}

/** jsonEvents parses `kit --json` output into events (skipping non-event lines). */
export function jsonEvents(stdout: string): KitEvent[] {
  return stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as KitEvent & { type: string })
    .filter((e) => typeof e.type === "string" && "time" in e);
}

/** changedSteps lists the steps a `kit --json up` changed, without the ones that run every time. */
export function changedSteps(stdout: string): string[] {
  return jsonEvents(stdout)
    .flatMap((e) => (e.type === "step-succeeded" && e.changed ? [e.step] : []))
    .filter((s) => !runsEveryTime(s))
    .sort();
}

/** httpText fetches a URL and returns status and body. */
export async function httpText(url: string, init?: RequestInit): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: await response.text() };
}

/** tail is what a failed assertion shows: the end of kit's output, to see why without rerunning. */
export const tail = (result: { stdout: string; stderr: string }): string =>
  `kit printed:\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-2000)}`;
