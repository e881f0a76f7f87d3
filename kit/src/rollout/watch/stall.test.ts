import { describe, expect, it } from "vitest";
import type { TimelineEvent } from "../types.ts";
import { describeStall, findStall } from "./stall.ts";

const T0 = 1_000_000;
const at = (s: number): number => T0 + s * 1000;
const waiting = (s: number, pod: string, reason: string): TimelineEvent => ({
  time: at(s),
  kind: "container-waiting",
  pod,
  reason,
  image: "localhost:5001/go-app@sha256:abc",
  detail: `container app waiting: ${reason} (Back-off pulling image)`,
});

describe("findStall", () => {
  const pulling: TimelineEvent[] = [
    { time: at(0), kind: "upgrade-started" },
    { time: at(1), kind: "pod-created", pod: "new", owner: "rs-2" },
    waiting(3, "new", "ErrImagePull"),
    waiting(5, "new", "ImagePullBackOff"),
  ];

  it("names the reason, pod and image once a new pod has been stuck for the bound", () => {
    expect(findStall(pulling, { now: at(20), upgradeStartedAt: at(0), stallMs: 30_000 })).toBeUndefined();
    const stall = findStall(pulling, { now: at(33), upgradeStartedAt: at(0), stallMs: 30_000 });
    expect(stall).toEqual({
      reason: "ImagePullBackOff",
      pod: "new",
      image: "localhost:5001/go-app@sha256:abc",
      message: "container app waiting: ImagePullBackOff (Back-off pulling image)",
      since: at(3),
    });
    if (!stall) throw new Error("expected a stall");
    expect(describeStall(stall, 30_000)).toMatch(
      /pod new \(image localhost:5001\/go-app@sha256:abc\) stayed ImagePullBackOff for 30 s/,
    );
  });

  it("a pod that became ready, or was deleted, after being stuck is not stuck", () => {
    const recovered = [...pulling, { time: at(10), kind: "pod-ready", pod: "new" } as TimelineEvent];
    expect(findStall(recovered, { now: at(60), upgradeStartedAt: at(0), stallMs: 30_000 })).toBeUndefined();
    const deleted = [...pulling, { time: at(10), kind: "pod-deleted", pod: "new" } as TimelineEvent];
    expect(findStall(deleted, { now: at(60), upgradeStartedAt: at(0), stallMs: 30_000 })).toBeUndefined();
  });

  it("ignores what was there before the upgrade and reasons that are part of a normal start", () => {
    const before: TimelineEvent[] = [
      { ...waiting(-20, "old", "CrashLoopBackOff"), time: at(-20) },
      { ...waiting(2, "listed", "CrashLoopBackOff"), initial: true },
      waiting(2, "new", "ContainerCreating"),
    ];
    expect(findStall(before, { now: at(120), upgradeStartedAt: at(0), stallMs: 30_000 })).toBeUndefined();
  });

  it("a ReplicaSet that cannot create pods stalls until it creates one", () => {
    const quota: TimelineEvent = {
      time: at(2),
      kind: "k8s-event",
      owner: "rs-2",
      reason: "FailedCreate",
      detail: 'Warning FailedCreate: pods "rs-2-x" is forbidden: exceeded quota',
    };
    expect(findStall([quota], { now: at(40), upgradeStartedAt: at(0), stallMs: 30_000 })).toMatchObject({
      reason: "FailedCreate",
      owner: "rs-2",
    });
    const created: TimelineEvent = { time: at(10), kind: "pod-created", pod: "rs-2-y", owner: "rs-2" };
    expect(
      findStall([quota, created], { now: at(40), upgradeStartedAt: at(0), stallMs: 30_000 }),
    ).toBeUndefined();
    const normal = { ...quota, detail: "Normal FailedCreate: odd but not a warning" };
    expect(findStall([normal], { now: at(40), upgradeStartedAt: at(0), stallMs: 30_000 })).toBeUndefined();
  });
});
