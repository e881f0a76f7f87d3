/** Traffic tallies: totals and durations per probe kind, and the failures each SLO counts. */
import { isFailure } from "../probe/recorder.ts";
import { PROBE_KINDS, type ProbeKind, type TrafficRecord } from "../types.ts";
import { isStreamKind } from "./facts.ts";
import type { KindTotals } from "./types.ts";

/** TrafficTally is what one pass over the records counted. */
export interface TrafficTally {
  totals: Record<ProbeKind, KindTotals>;
  /** Per kind: latency of ok requests, and time to establish each stream or WebSocket. */
  durations: Record<ProbeKind, number[]>;
  /** Failed requests and connection attempts (not slow requests, not abrupt closes). */
  failedRequests: number;
  abruptStreams: number;
  abruptWebSockets: number;
  slowFailed: number;
  slowCompleted: number;
  /** The failed records, in the order given. */
  failures: TrafficRecord[];
}

/** tallyTraffic counts records by kind and outcome. */
export function tallyTraffic(records: readonly TrafficRecord[]): TrafficTally {
  const totals = Object.fromEntries(
    PROBE_KINDS.map((k) => [k, { total: 0, ok: 0, failed: 0, byOutcome: {} } satisfies KindTotals]),
  ) as Record<ProbeKind, KindTotals>;
  const durations = Object.fromEntries(PROBE_KINDS.map((k) => [k, [] as number[]])) as Record<
    ProbeKind,
    number[]
  >;
  const tally: TrafficTally = {
    totals,
    durations,
    failedRequests: 0,
    abruptStreams: 0,
    abruptWebSockets: 0,
    slowFailed: 0,
    slowCompleted: 0,
    failures: [],
  };
  for (const record of records) {
    const totalsForKind = totals[record.kind];
    totalsForKind.total++;
    totalsForKind.byOutcome[record.outcome] = (totalsForKind.byOutcome[record.outcome] ?? 0) + 1;
    if (record.outcome === "ok") {
      totalsForKind.ok++;
      durations[record.kind].push(record.end - record.start);
    } else if (
      record.outcome === "graceful" ||
      (record.outcome === "stopped" && record.established !== undefined)
    ) {
      totalsForKind.ok++;
    }
    if (isStreamKind(record.kind) && record.established !== undefined)
      durations[record.kind].push(record.established - record.start);
    if (!isFailure(record.outcome)) {
      if (record.kind === "slow" && record.outcome === "ok") tally.slowCompleted++;
      continue;
    }
    totalsForKind.failed++;
    if (record.kind === "slow") tally.slowFailed++;
    else if (record.outcome === "abrupt" && record.kind === "sse") tally.abruptStreams++;
    else if (record.outcome === "abrupt" && record.kind === "ws") tally.abruptWebSockets++;
    else tally.failedRequests++;
    tally.failures.push(record);
  }
  return tally;
}
