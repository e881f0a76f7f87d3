import type { V1Deployment, V1EndpointSlice, V1Pod, V1ReplicaSet } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import {
  DeploymentTracker,
  kubeEventToTimeline,
  PodTracker,
  ReplicaSetTracker,
  SliceTracker,
} from "../../src/rollout/watch/index.ts";

// Object shapes as the API server sends them during a rolling update (trimmed to the fields read).
function pod(
  name: string,
  options: { ready?: boolean; deleting?: boolean; exitCode?: number; reason?: string; probe?: boolean } = {},
): V1Pod {
  return {
    metadata: {
      name,
      ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "app-5d8f", uid: "u" }],
      ...(options.deleting ? { deletionTimestamp: new Date(), deletionGracePeriodSeconds: 20 } : {}),
    },
    spec: {
      terminationGracePeriodSeconds: 20,
      containers: [
        {
          name: "app",
          ...(options.probe === false
            ? {}
            : { readinessProbe: { httpGet: { path: "/readyz", port: 8080 } } }),
          lifecycle: { preStop: { sleep: { seconds: 5 } } },
        },
      ],
    },
    status: {
      conditions: [{ type: "Ready", status: options.ready ? "True" : "False" }],
      containerStatuses:
        options.exitCode === undefined
          ? []
          : [
              {
                name: "app",
                image: "i",
                imageID: "i",
                ready: false,
                restartCount: 0,
                state: {
                  terminated: {
                    exitCode: options.exitCode,
                    ...(options.reason ? { reason: options.reason } : {}),
                  },
                },
              },
            ],
    },
  };
}

function slice(
  name: string,
  endpoints: { pod: string; ready: boolean; terminating?: boolean }[],
): V1EndpointSlice {
  return {
    addressType: "IPv4",
    metadata: { name },
    endpoints: endpoints.map((e) => ({
      addresses: ["10.0.0.1"],
      conditions: {
        ready: e.ready,
        serving: e.ready || e.terminating === true,
        terminating: e.terminating ?? false,
      },
      targetRef: { kind: "Pod", name: e.pod },
    })),
  };
}

describe("PodTracker waiting containers", () => {
  const stuck = (reason: string): V1Pod => {
    const p = pod("app-5d8f-new");
    p.status = {
      ...p.status,
      containerStatuses: [
        {
          name: "app",
          image: "localhost:5001/nope:1",
          imageID: "",
          ready: false,
          restartCount: 0,
          state: { waiting: { reason, message: `Back-off pulling image "localhost:5001/nope:1"` } },
        },
      ],
    };
    return p;
  };

  it("records a container's waiting reason when it changes, with its image, and skips routine ones", () => {
    const tracker = new PodTracker();
    const kinds = (events: { kind: string; reason?: string }[]) =>
      events.filter((e) => e.kind === "container-waiting").map((e) => e.reason);
    expect(kinds(tracker.update("ADDED", stuck("ContainerCreating"), 1))).toEqual([]);
    const pulling = tracker.update("MODIFIED", stuck("ErrImagePull"), 2);
    expect(kinds(pulling)).toEqual(["ErrImagePull"]);
    expect(pulling.find((e) => e.kind === "container-waiting")).toMatchObject({
      pod: "app-5d8f-new",
      image: "localhost:5001/nope:1",
      detail: expect.stringContaining("Back-off pulling image"),
    });
    expect(kinds(tracker.update("MODIFIED", stuck("ErrImagePull"), 3))).toEqual([]);
    expect(kinds(tracker.update("MODIFIED", stuck("ImagePullBackOff"), 4))).toEqual(["ImagePullBackOff"]);
  });
});

describe("PodTracker", () => {
  it("follows a pod from creation to deletion", () => {
    const tracker = new PodTracker();
    const kinds = [
      ...tracker.update("ADDED", pod("app-1"), 1),
      ...tracker.update("MODIFIED", pod("app-1", { ready: true }), 2),
      ...tracker.update("MODIFIED", pod("app-1", { ready: true, deleting: true }), 3),
      ...tracker.update("MODIFIED", pod("app-1", { ready: false, deleting: true }), 4),
      ...tracker.update("MODIFIED", pod("app-1", { deleting: true, exitCode: 137, reason: "Error" }), 5),
      ...tracker.update("MODIFIED", pod("app-1", { deleting: true, exitCode: 137, reason: "Error" }), 6),
      ...tracker.update("DELETED", pod("app-1", { deleting: true, exitCode: 137 }), 7),
    ];
    expect(kinds.map((e) => [e.time, e.kind])).toEqual([
      [1, "pod-created"],
      [2, "pod-ready"],
      [3, "pod-terminating"],
      [4, "pod-not-ready"],
      [5, "container-terminated"],
      [7, "pod-deleted"],
    ]);
    expect(kinds[0]).toMatchObject({
      owner: "app-5d8f",
      hasReadinessProbe: true,
      hasPreStop: true,
      gracePeriodSeconds: 20,
    });
    expect(kinds[2]).toMatchObject({ gracePeriodSeconds: 20 });
    expect(kinds[4]).toMatchObject({ exitCode: 137, reason: "Error" });
  });

  it("marks state that held when the watch started as initial, and sees a missing readiness probe", () => {
    const events = new PodTracker().update("ADDED", pod("app-2", { ready: true, probe: false }), 1, true);
    expect(events.map((e) => [e.kind, e.initial])).toEqual([
      ["pod-created", true],
      ["pod-ready", true],
    ]);
    expect(events[0]?.hasReadinessProbe).toBe(false);
  });
});

describe("SliceTracker", () => {
  it("reports endpoints becoming ready, leaving (terminating) and being removed, across slices", () => {
    const tracker = new SliceTracker();
    const events = [
      ...tracker.update("ADDED", slice("s1", [{ pod: "old", ready: true }]), 1, true),
      ...tracker.update(
        "MODIFIED",
        slice("s1", [
          { pod: "old", ready: true },
          { pod: "new", ready: false },
        ]),
        2,
      ),
      ...tracker.update(
        "MODIFIED",
        slice("s1", [
          { pod: "old", ready: true },
          { pod: "new", ready: true },
        ]),
        3,
      ),
      ...tracker.update(
        "MODIFIED",
        slice("s1", [
          { pod: "old", ready: false, terminating: true },
          { pod: "new", ready: true },
        ]),
        4,
      ),
      ...tracker.update("MODIFIED", slice("s1", [{ pod: "new", ready: true }]), 5),
      // The pod moves to another slice: no change for kube-proxy, no event.
      ...tracker.update("ADDED", slice("s2", [{ pod: "new", ready: true }]), 6),
      ...tracker.update("MODIFIED", slice("s1", []), 7),
    ];
    expect(events.map((e) => [e.time, e.kind, e.pod, e.detail])).toEqual([
      [1, "endpoint-ready", "old", undefined],
      [3, "endpoint-ready", "new", undefined],
      [4, "endpoint-not-ready", "old", "terminating"],
      [5, "endpoint-removed", "old", "removed"],
    ]);
  });
});

describe("ReplicaSetTracker and DeploymentTracker", () => {
  it("reports scaling steps but not the initial state", () => {
    const tracker = new ReplicaSetTracker();
    const rs = (name: string, replicas: number): V1ReplicaSet => ({
      metadata: { name },
      spec: { replicas, selector: {} },
    });
    const events = [
      ...tracker.update("ADDED", rs("app-old", 1), 1, true),
      ...tracker.update("ADDED", rs("app-new", 1), 2),
      ...tracker.update("MODIFIED", rs("app-old", 0), 3),
      ...tracker.update("MODIFIED", rs("app-old", 0), 4),
    ];
    expect(events.map((e) => [e.time, e.owner, e.previousReplicas, e.replicas])).toEqual([
      [2, "app-new", 0, 1],
      [3, "app-old", 1, 0],
    ]);
  });

  it("reports the rolling update strategy when it changes", () => {
    const tracker = new DeploymentTracker();
    const d = (maxUnavailable: number): V1Deployment => ({
      metadata: { name: "app" },
      spec: {
        replicas: 1,
        selector: {},
        template: {},
        strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable } },
      },
    });
    const events = [
      ...tracker.update("ADDED", d(1), 1, true),
      ...tracker.update("MODIFIED", d(1), 2),
      ...tracker.update("MODIFIED", d(0), 3),
    ];
    expect(events.map((e) => [e.time, e.replicas, e.maxSurge, e.maxUnavailable])).toEqual([
      [1, 1, "0", "1"],
      [3, 1, "0", "0"],
    ]);
  });
});

describe("kubeEventToTimeline", () => {
  it("keeps events about the release's objects only", () => {
    const known = (kind: string, name: string): boolean => kind === "Pod" && name === "app-1";
    const event = kubeEventToTimeline(
      {
        metadata: {},
        involvedObject: { kind: "Pod", name: "app-1" },
        reason: "Killing",
        type: "Normal",
        message: "Stopping container app",
      },
      9,
      known,
    );
    expect(event).toEqual({
      time: 9,
      kind: "k8s-event",
      pod: "app-1",
      reason: "Killing",
      detail: "Normal Killing: Stopping container app",
    });
    expect(
      kubeEventToTimeline({ metadata: {}, involvedObject: { kind: "Pod", name: "other" } }, 9, known),
    ).toBeUndefined();
  });
});
