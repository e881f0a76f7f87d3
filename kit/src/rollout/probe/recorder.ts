import type { Outcome, ProbeKind, TrafficRecord } from "../types.ts";

/** KindCounts are live counts for one probe kind (what a live view shows). */
export interface KindCounts {
  started: number;
  ok: number;
  failed: number;
  /** Requests or connection attempts in progress (including streams and WebSockets held open). */
  open: number;
  /** Streams and WebSockets currently established. */
  connected: number;
}

/** ProbeStats are live counts per probe kind. */
export type ProbeStats = Record<ProbeKind, KindCounts>;

const FAILED: ReadonlySet<Outcome> = new Set([
  "http-error",
  "refused",
  "reset",
  "timeout",
  "error",
  "abrupt",
]);

/** isFailure says whether an outcome counts against the SLOs. */
export function isFailure(outcome: Outcome): boolean {
  return FAILED.has(outcome);
}

/**
 * Recorder keeps every finished record (a few hundred bytes each, never a body) and live counts.
 * Records are appended in the order they finish.
 */
export class Recorder {
  readonly records: TrafficRecord[] = [];
  readonly stats: ProbeStats = {
    "http-reused": { started: 0, ok: 0, failed: 0, open: 0, connected: 0 },
    "http-fresh": { started: 0, ok: 0, failed: 0, open: 0, connected: 0 },
    sse: { started: 0, ok: 0, failed: 0, open: 0, connected: 0 },
    ws: { started: 0, ok: 0, failed: 0, open: 0, connected: 0 },
    slow: { started: 0, ok: 0, failed: 0, open: 0, connected: 0 },
  };
  private nextId = 1;

  constructor(private readonly onRecord?: (record: TrafficRecord) => void) {}

  /** begin starts a record; the caller fills it in and passes it to finish(). */
  begin(kind: ProbeKind, worker: number): TrafficRecord {
    this.stats[kind].started++;
    this.stats[kind].open++;
    return { id: this.nextId++, kind, worker, start: Date.now(), end: 0, outcome: "ok" };
  }

  /** connected counts a stream or WebSocket as established. */
  connected(record: TrafficRecord): void {
    this.stats[record.kind].connected++;
  }

  /** finish stamps the end time and stores the record. */
  finish(record: TrafficRecord, outcome: Outcome): void {
    record.end = Date.now();
    record.outcome = outcome;
    const counts = this.stats[record.kind];
    counts.open--;
    if ((record.kind === "sse" || record.kind === "ws") && record.established !== undefined)
      counts.connected--;
    if (isFailure(outcome)) counts.failed++;
    else if (outcome !== "stopped") counts.ok++;
    this.records.push(record);
    this.onRecord?.(record);
  }
}
