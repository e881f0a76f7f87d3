/**
 * The `ready:<app>` step: an HTTP check of the app's readiness path through the host port a user
 * would use, for a Helm release and a container app alike. It runs every time (runsEveryTime), and
 * its result is the app's URL, which `kit up` prints and `kit status` lists.
 */
import type { Step, StepContext } from "../engine/plan.ts";

/** WaitForHttpReady polls url until it answers 2xx (release names the Helm release, for its evidence). */
export type WaitForHttpReady = (
  url: string,
  options: {
    signal?: AbortSignal;
    timeoutMs?: number;
    onAttempt?: (message: string) => void;
    release?: string;
  },
) => Promise<void>;

export interface ReadyStepOptions {
  name: string;
  hostPort: number;
  readinessPath: string;
  needs: Step<unknown>[];
  /** How long to wait; a function when it depends on an earlier step's result. */
  timeoutMs: number | ((ctx: StepContext) => number);
  /** The Helm release behind the app, if any: a timeout then says what its pods did. */
  release?: string;
  waitForHttpReady: WaitForHttpReady;
}

export function readyStep(options: ReadyStepOptions): Step<string> {
  const { name, hostPort } = options;
  return {
    id: `ready:${name}`,
    title: `${name} ready on :${hostPort}`,
    needs: options.needs,
    async apply(ctx) {
      const url = `http://127.0.0.1:${hostPort}`;
      const timeoutMs = typeof options.timeoutMs === "function" ? options.timeoutMs(ctx) : options.timeoutMs;
      await options.waitForHttpReady(`${url}${options.readinessPath}`, {
        signal: ctx.signal,
        timeoutMs,
        onAttempt: (m) => ctx.progress(m),
        ...(options.release ? { release: options.release } : {}),
      });
      ctx.output(`url:${name}`, name, url);
      return url;
    },
    summarize: (url) => `${url} answers`,
  };
}
