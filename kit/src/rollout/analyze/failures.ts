/** Failure groups: every failure of one class caused by one pod, under its first evidence. */
import type { Outcome, TrafficRecord } from "../types.ts";
import type { Evidence } from "./evidence.ts";
import type { FailureClass, FailureGroup } from "./types.ts";

/** MAX_RECORD_IDS bounds the record ids a group keeps as examples. */
const MAX_RECORD_IDS = 20;

function newGroup(evidence: Evidence, first: number, last: number): FailureGroup {
  return {
    class: evidence.class,
    ...("pod" in evidence && evidence.pod !== undefined ? { pod: evidence.pod } : {}),
    ...(evidence.rule === "stalled" && evidence.reason !== undefined ? { reason: evidence.reason } : {}),
    evidence,
    count: 0,
    byKind: {},
    byOutcome: {},
    first,
    last,
    recordIds: [],
  };
}

/** FailureGroups collects failures into groups, keyed by class and pod, in the order they were first seen. */
export class FailureGroups {
  private readonly groups = new Map<string, FailureGroup>();

  /** add counts one failed record (or lost connection, `reconnect`) at time `at` into its group. */
  add(evidence: Evidence, record: TrafficRecord, label: Outcome | "reconnect", at: number): void {
    const key = `${evidence.class}\u0000${"pod" in evidence ? (evidence.pod ?? "") : ""}`;
    let group = this.groups.get(key);
    if (!group) {
      group = newGroup(evidence, at, at);
      this.groups.set(key, group);
    }
    group.count++;
    group.byKind[record.kind] = (group.byKind[record.kind] ?? 0) + 1;
    group.byOutcome[label] = (group.byOutcome[label] ?? 0) + 1;
    group.first = Math.min(group.first, at);
    group.last = Math.max(group.last, at);
    if (group.recordIds.length < MAX_RECORD_IDS) group.recordIds.push(record.id);
  }

  /** put sets a group that no record stands for (an outage nobody noticed, a stalled rollout) under its own key. */
  put(key: string, evidence: Evidence, span: { count: number; first: number; last: number }): void {
    this.groups.set(key, { ...newGroup(evidence, span.first, span.last), count: span.count });
  }

  /** has says whether some group is of the class. */
  has(failureClass: FailureClass): boolean {
    return [...this.groups.values()].some((g) => g.class === failureClass);
  }

  /** hasFor says whether some group is of the class and the pod. */
  hasFor(failureClass: FailureClass, pod: string): boolean {
    return [...this.groups.values()].some((g) => g.class === failureClass && g.pod === pod);
  }

  /** sorted lists the groups, largest first, then earliest first. */
  sorted(): FailureGroup[] {
    return [...this.groups.values()].sort((a, b) => b.count - a.count || a.first - b.first);
  }
}
