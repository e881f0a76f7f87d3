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

function servedBy(headers: Dispatcher.ResponseData["headers"]): string | undefined {
  const value = headers["x-served-by"];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * probeRequest sends one GET through client and records it. The body is read and dropped chunk by
 * chunk, so memory stays flat whatever the server sends.
 */
export async function probeRequest(
  client: Client,
  spec: HttpRequestSpec,
  ctx: WorkerContext,
): Promise<boolean> {
  const record = ctx.recorder.begin(spec.kind, spec.worker);
  try {
    const response = await client.request({
      path: spec.path,
      method: "GET",
      reset: spec.freshConnection,
      headersTimeout: spec.timeoutMs,
      bodyTimeout: spec.timeoutMs,
      signal: ctx.hardStop,
    });
    record.established = Date.now();
    record.status = response.statusCode;
    const pod = servedBy(response.headers);
    if (pod !== undefined) record.pod = pod;
    for await (const _chunk of response.body) {
      // read and drop
    }
    const ok = response.statusCode >= 200 && response.statusCode < 400;
    ctx.recorder.finish(record, ok ? "ok" : "http-error");
    return ok;
  } catch (err) {
    const failure = classifyNetworkError(err, ctx.hardStop.aborted);
    record.error = failure.code;
    ctx.recorder.finish(record, failure.outcome);
    return failure.outcome === "stopped";
  }
}
