import { classifyNetworkError } from "./classify.ts";
import { newClient, type WorkerContext } from "./http.ts";
import { pause } from "./pacing.ts";
import { ReconnectTracker } from "./reconnect.ts";

/** SseSettings configure the stream workers. */
export interface SseSettings {
  origin: string;
  path: string;
  connectTimeoutMs: number;
  /** A stream with no bytes for this long counts as dead (timeout). */
  idleTimeoutMs: number;
  /** Wait between failed connection attempts. */
  retryDelayMs: number;
  /** The event name that marks a graceful end. */
  finalEvent: string;
}

const MAX_LINE = 64 * 1024;
const POD_IN_DATA = /"pod"\s*:\s*"([^"]*)"/;

/**
 * SseParser reads an event stream incrementally, keeping only the current partial line, so a
 * stream of any length costs a constant amount of memory.
 */
export class SseParser {
  private partial = "";
  private eventName = "";
  private data = "";
  /** Events dispatched so far. */
  events = 0;
  /** The first pod name seen in event data. */
  pod: string | undefined;
  /** Whether the final event arrived. */
  sawFinal = false;

  constructor(private readonly finalEvent: string) {}

  /** push feeds a chunk of the stream. */
  push(chunk: string): void {
    const text = this.partial + chunk;
    let from = 0;
    for (let nl = text.indexOf("\n", from); nl !== -1; nl = text.indexOf("\n", from)) {
      const end = nl > from && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      this.line(text.slice(from, end));
      from = nl + 1;
    }
    this.partial = text.length - from > MAX_LINE ? "" : text.slice(from);
  }

  private line(line: string): void {
    if (line === "") {
      this.dispatch();
      return;
    }
    if (line.startsWith("event:")) this.eventName = line.slice(6).trim();
    else if (line.startsWith("data:") && this.data.length < MAX_LINE) this.data += line.slice(5).trim();
  }

  private dispatch(): void {
    if (this.eventName === "" && this.data === "") return;
    this.events++;
    if (this.eventName === this.finalEvent) this.sawFinal = true;
    if (this.pod === undefined) {
      const match = POD_IN_DATA.exec(this.data);
      if (match?.[1] !== undefined) this.pod = match[1];
    }
    this.eventName = "";
    this.data = "";
  }
}

/**
 * runSseWorker holds one event stream open, reconnecting whenever it ends, until the probe stops.
 * Each stream uses a fresh connection, so a reconnect gets a fresh routing decision.
 */
export async function runSseWorker(worker: number, settings: SseSettings, ctx: WorkerContext): Promise<void> {
  const client = newClient(settings.origin, settings.connectTimeoutMs);
  const tracker = new ReconnectTracker();
  try {
    while (!ctx.stopping.aborted) {
      const record = ctx.recorder.begin("sse", worker);
      const parser = new SseParser(settings.finalEvent);
      let failed = false;
      try {
        const response = await client.request({
          path: settings.path,
          method: "GET",
          reset: true,
          headers: { accept: "text/event-stream" },
          headersTimeout: settings.connectTimeoutMs,
          bodyTimeout: settings.idleTimeoutMs,
          signal: ctx.stopping,
        });
        record.status = response.statusCode;
        const served = response.headers["x-served-by"];
        if (typeof served === "string") record.pod = served;
        if (response.statusCode !== 200) {
          for await (const _chunk of response.body) {
            // drop
          }
          ctx.recorder.finish(record, "http-error");
          failed = true;
        } else {
          tracker.established(record);
          ctx.recorder.connected(record);
          response.body.setEncoding("utf8");
          for await (const chunk of response.body) parser.push(chunk as string);
          record.messages = parser.events;
          record.finalEvent = parser.sawFinal;
          record.pod ??= parser.pod;
          if (!parser.sawFinal) record.error = "ended without final event";
          ctx.recorder.finish(record, parser.sawFinal ? "graceful" : "abrupt");
          tracker.lost(record);
        }
      } catch (err) {
        const failure = classifyNetworkError(err, ctx.stopping.aborted);
        record.messages = parser.events;
        record.finalEvent = parser.sawFinal;
        record.pod ??= parser.pod;
        record.error = failure.code;
        if (failure.outcome === "stopped") {
          ctx.recorder.finish(record, "stopped");
        } else if (record.established !== undefined) {
          ctx.recorder.finish(record, parser.sawFinal ? "graceful" : "abrupt");
          tracker.lost(record);
        } else {
          ctx.recorder.finish(record, failure.outcome);
          failed = true;
        }
      }
      if (failed) await pause(settings.retryDelayMs, ctx.stopping);
    }
  } finally {
    await client.destroy().catch(() => undefined);
  }
}
