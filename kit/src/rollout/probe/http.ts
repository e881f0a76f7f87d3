import { Client, type Dispatcher } from "undici";
import type { ProbeKind } from "../types.ts";
import { classifyNetworkError } from "./classify.ts";
import type { Recorder } from "./recorder.ts";

/** HttpRequestSpec describes one HTTP probe request. */
export interface HttpRequestSpec {
  kind: Extract<ProbeKind, "http-reused" | "http-fresh" | "slow">;
  worker: number;
  path: string;
  /** Close the connection after the response, so the next request opens a fresh one. */
  freshConnection: boolean;
  /** Limit for the response headers and for each gap in the body. */
  timeoutMs: number;
}

/** WorkerContext is what every probe worker shares. */
export interface WorkerContext {
  recorder: Recorder;
  /** Aborts when the probe stops starting new work. */
  stopping: AbortSignal;
  /** Aborts when in-flight work must end now. */
  hardStop: AbortSignal;
}

/** newClient creates an undici client for one worker's connection to origin. */
export function newClient(origin: string, timeoutMs: number): Client {
  return new Client(origin, {
    connect: { timeout: timeoutMs },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 60_000,
    pipelining: 1,
  });
}

/**
 * probeRequest sends one GET through client and records it. It drives undici's dispatcher directly
 * (no response stream object, no per-request AbortSignal) so the probe stays cheaper than the
 * server it measures; the body is counted and dropped. A hard stop destroys the client instead, and
 * its in-flight requests are recorded as stopped.
 */
export function probeRequest(client: Client, spec: HttpRequestSpec, ctx: WorkerContext): Promise<boolean> {
  const record = ctx.recorder.begin(spec.kind, spec.worker);
  return new Promise((resolve) => {
    let settled = false;
    const fail = (err: unknown): void => {
      if (settled) return;
      settled = true;
      const failure = classifyNetworkError(err, ctx.hardStop.aborted);
      record.error = failure.code;
      ctx.recorder.finish(record, failure.outcome);
      resolve(failure.outcome === "stopped");
    };
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart() {},
      onResponseStart(_controller, statusCode, headers) {
        record.established = Date.now();
        record.status = statusCode;
        const pod = headers["x-served-by"];
        if (typeof pod === "string") record.pod = pod;
        else if (Array.isArray(pod) && pod[0] !== undefined) record.pod = pod[0];
      },
      onResponseData() {},
      onResponseEnd() {
        if (settled) return;
        settled = true;
        const status = record.status ?? 0;
        const ok = status >= 200 && status < 400;
        ctx.recorder.finish(record, ok ? "ok" : "http-error");
        resolve(ok);
      },
      onResponseError(_controller, err) {
        fail(err);
      },
    };
    try {
      client.dispatch(
        {
          path: spec.path,
          method: "GET",
          reset: spec.freshConnection,
          headersTimeout: spec.timeoutMs,
          bodyTimeout: spec.timeoutMs,
        },
        handler,
      );
    } catch (err) {
      fail(err);
    }
  });
}
