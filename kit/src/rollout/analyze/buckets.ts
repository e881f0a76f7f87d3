/** Per-second buckets of a run, for plotting. */
import { isFailure } from "../probe/recorder.ts";
import type { ProbeKind, TrafficRecord } from "../types.ts";
import { isStreamKind } from "./facts.ts";
import type { ReadyInterval } from "./pods.ts";
import { percentile } from "./stats.ts";
import type { SecondBucket } from "./types.ts";

function zeroByKind(): Record<ProbeKind, number> {
  return { "http-reused": 0, "http-fresh": 0, slow: 0, sse: 0, ws: 0 };
}

/** bucketize splits [startedAt, endedAt] into seconds: what ended in each, latency, open connections, ready pods. */
export function bucketize(
  records: readonly TrafficRecord[],
  intervals: readonly ReadyInterval[],
  startedAt: number,
  endedAt: number,
): SecondBucket[] {
  const count = Math.max(1, Math.ceil((endedAt - startedAt) / 1000));
  const buckets: SecondBucket[] = [];
  const latencies: number[][] = [];
  for (let s = 0; s < count; s++) {
    const end = startedAt + (s + 1) * 1000;
    const ready = intervals.find((i) => end > i.from && end <= i.to) ?? intervals[intervals.length - 1];
    buckets.push({
      second: s,
      completed: zeroByKind(),
      failed: zeroByKind(),
      p50: 0,
      p90: 0,
      p99: 0,
      openStreams: 0,
      openWebSockets: 0,
      readyPods: ready?.ready ?? 0,
    });
    latencies.push([]);
  }
  const index = (t: number): number => Math.min(count - 1, Math.max(0, Math.floor((t - startedAt) / 1000)));
  for (const record of records) {
    const bucket = buckets[index(record.end)];
    if (!bucket) continue;
    bucket.completed[record.kind]++;
    if (isFailure(record.outcome)) bucket.failed[record.kind]++;
    if (record.outcome === "ok" && (record.kind === "http-reused" || record.kind === "http-fresh")) {
      latencies[index(record.end)]?.push(record.end - record.start);
    }
    if (isStreamKind(record.kind) && record.established !== undefined) {
      for (let s = index(record.established); s <= index(record.end); s++) {
        const b = buckets[s];
        if (!b) continue;
        if (record.kind === "sse") b.openStreams++;
        else b.openWebSockets++;
      }
    }
  }
  for (let s = 0; s < count; s++) {
    const sorted = (latencies[s] ?? []).sort((a, b) => a - b);
    const bucket = buckets[s];
    if (!bucket) continue;
    bucket.p50 = percentile(sorted, 0.5);
    bucket.p90 = percentile(sorted, 0.9);
    bucket.p99 = percentile(sorted, 0.99);
  }
  return buckets;
}
