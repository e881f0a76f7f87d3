/** Reconnects: how long lost streams and WebSockets took to come back, and which never did. */
import type { TrafficRecord } from "../types.ts";
import type { NeverReconnected, RecordEvidence, SlowReconnect } from "./evidence.ts";
import { isStreamKind } from "./facts.ts";

/** LateReconnect is one reconnect over the limit, or one connection never re-established. */
export interface LateReconnect {
  evidence: SlowReconnect | NeverReconnected;
  record: TrafficRecord;
  at: number;
}

/** Reconnects are every reconnect time and the late ones, in the order found. */
export interface Reconnects {
  times: number[];
  slow: number;
  neverReconnected: number;
  late: LateReconnect[];
}

/**
 * findReconnects follows each stream and WebSocket worker: reconnects slower than `limitMs`, and
 * workers whose connection was lost and never came back. `classifyLoss` says why a connection
 * was lost (only whether no pod was ready matters here).
 */
export function findReconnects(
  records: readonly TrafficRecord[],
  limitMs: number,
  runStartedAt: number,
  classifyLoss: (record: TrafficRecord) => RecordEvidence,
): Reconnects {
  const result: Reconnects = { times: [], slow: 0, neverReconnected: 0, late: [] };
  const lastByWorker = new Map<string, TrafficRecord>();
  const lastEstablishedByWorker = new Map<string, TrafficRecord>();
  for (const record of records) {
    if (!isStreamKind(record.kind)) continue;
    const key = `${record.kind}/${record.worker}`;
    const previous = lastByWorker.get(key);
    if (!previous || previous.start <= record.start) lastByWorker.set(key, record);
    if (record.established !== undefined) lastEstablishedByWorker.set(key, record);
    if (record.reconnectMs === undefined) continue;
    result.times.push(record.reconnectMs);
    if (record.reconnectMs <= limitMs) continue;
    result.slow++;
    const lost = records.find((r) => r.id === record.reconnectOf);
    const loss = lost ? classifyLoss({ ...lost, outcome: "abrupt" }) : undefined;
    result.late.push({
      evidence: {
        rule: "slow-reconnect",
        class: "slow-reconnect",
        ...(lost?.pod === undefined ? {} : { pod: lost.pod }),
        kind: record.kind,
        reconnectMs: record.reconnectMs,
        limitMs,
        duringOutage: loss?.class === "no-ready-pod",
      },
      record,
      at: record.established ?? record.end,
    });
  }
  for (const [key, last] of lastByWorker) {
    if (last.outcome === "stopped") continue;
    const lastEstablished = lastEstablishedByWorker.get(key);
    if (lastEstablished && lastEstablished.outcome === "stopped") continue;
    result.neverReconnected++;
    result.late.push({
      evidence: {
        rule: "never-reconnected",
        class: "slow-reconnect",
        ...(lastEstablished?.pod === undefined ? {} : { pod: lastEstablished.pod }),
        kind: last.kind,
        lostAt: lastEstablished?.end ?? last.end,
        runStartedAt,
      },
      record: last,
      at: last.end,
    });
  }
  return result;
}
