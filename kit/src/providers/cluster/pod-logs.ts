/**
 * pod-logs follows the logs of every pod a label selector matches, as stern and Tilt do: pods that
 * start later are picked up, a restarted container is followed again, and each line says which
 * pod it came from. A stream the API server or kubelet closes while its container still runs (a
 * kubelet restart, a dropped connection) is reopened from the last line seen, so nothing is shown
 * twice. It reads the API's log endpoint with the kubeconfig's credentials (through
 * @kubernetes/client-node); nothing is spawned. client-node's own Log class is not used: aborting
 * it emits an unhandled stream error, which would end the process.
 */
import { request as httpRequest } from "node:http";
import { request as httpsRequest, type RequestOptions } from "node:https";
import { setTimeout as delay } from "node:timers/promises";
import type * as k8s from "@kubernetes/client-node";
import { KitError } from "../../errors.ts";
import { loadKubeConfig } from "./kube.ts";
import type { ClusterRef } from "./types.ts";

/** PodLogLine is one line of a container's output. */
export interface PodLogLine {
  pod: string;
  container: string;
  line: string;
}

/** FollowPodLogsOptions say which pods to read, how much of their past, and where lines go. */
export interface FollowPodLogsOptions {
  namespace: string;
  labelSelector: string;
  onLine: (line: PodLogLine) => void;
  /** What the follower is doing ("following 2 pods", "no pods yet", why the cluster cannot be read). */
  onStatus?: (status: string) => void;
  /** Lines of each pod's past to show first; default 20. */
  tailLines?: number;
  /** false reads what each pod has logged so far and returns; default true. */
  follow?: boolean;
  /**
   * Keep retrying while the cluster cannot be read (the Ink view may follow before kit up has
   * made it); false fails at once. Default true.
   */
  retryUnreachable?: boolean;
  /** How often to look for new pods while following; default 2 s. */
  pollMs?: number;
  signal: AbortSignal;
}

/** MAX_NEW_POD_LINES bounds what a pod that started while following shows of its past. */
const MAX_NEW_POD_LINES = 500;

interface FollowedContainer {
  pod: string;
  /** The stream is closed (the container ended, the server closed it, or it could not be read). */
  ended: boolean;
  /** The kubelet's timestamp of the last line shown; a reopened stream starts after it. */
  lastTimestamp?: string;
  /** When the first stream was opened, for a reopen before any line was seen. */
  openedAt: string;
}

/** readableContainers lists the containers of pod whose logs can be read, keyed by restart. */
function readableContainers(pod: k8s.V1Pod): { container: string; key: string; running: boolean }[] {
  const name = pod.metadata?.name ?? "";
  return (pod.status?.containerStatuses ?? []).flatMap((status) => {
    const running = status.state?.running !== undefined;
    if (!running && status.state?.terminated === undefined) return [];
    return [{ container: status.name, key: `${name}/${status.name}/${status.restartCount}`, running }];
  });
}

/**
 * splitTimestamp splits a line read with timestamps=true into the kubelet's RFC 3339 timestamp and
 * the text the container wrote.
 */
export function splitTimestamp(raw: string): { timestamp?: string; text: string } {
  const space = raw.indexOf(" ");
  const head = space < 0 ? raw : raw.slice(0, space);
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(head)) return { text: raw };
  return { timestamp: head, text: space < 0 ? "" : raw.slice(space + 1) };
}

/**
 * timestampOrder makes kubelet timestamps comparable as strings: RFC3339Nano drops trailing zeros
 * of the fraction, so "…:05.1Z" must sort after "…:05.09Z". Kubelet timestamps are UTC.
 */
export function timestampOrder(timestamp: string): string {
  const match = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(.*)$/.exec(timestamp);
  if (!match) return timestamp;
  return `${match[1]}.${(match[2] ?? "").padEnd(9, "0")}${match[3]}`;
}

/**
 * readContainerLog reads one container's log endpoint, calling onLine for each whole line, and
 * resolves when the server ends the stream or signal aborts; it rejects when the API refuses.
 */
async function readContainerLog(
  kc: k8s.KubeConfig,
  target: { namespace: string; pod: string; container: string },
  query: { follow: boolean; tailLines?: number; sinceTime?: string },
  onLine: (line: string) => void,
  signal: AbortSignal,
): Promise<void> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error("the kubeconfig context names no cluster");
  const url = new URL(
    `${cluster.server.replace(/\/$/, "")}/api/v1/namespaces/${encodeURIComponent(target.namespace)}/pods/${encodeURIComponent(target.pod)}/log`,
  );
  url.searchParams.set("container", target.container);
  url.searchParams.set("follow", String(query.follow));
  url.searchParams.set("timestamps", "true");
  if (query.tailLines !== undefined) url.searchParams.set("tailLines", String(query.tailLines));
  if (query.sinceTime !== undefined) url.searchParams.set("sinceTime", query.sinceTime);
  const options: RequestOptions = { method: "GET", headers: {} };
  await kc.applyToHTTPSOptions(options);
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  await new Promise<void>((resolve, reject) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    let pending = "";
    const flush = (): void => {
      if (pending) onLine(pending);
      pending = "";
    };
    const req = send(url, options, (res) => {
      if (res.statusCode !== 200) {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          body += chunk;
        });
        res.on("end", () => {
          const message = (() => {
            try {
              return (JSON.parse(body) as { message?: string }).message ?? body;
            } catch {
              return body;
            }
          })();
          reject(
            Object.assign(new Error(message.trim() || `HTTP ${res.statusCode}`), { code: res.statusCode }),
          );
        });
        return;
      }
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        pending += chunk;
        const lines = pending.split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) onLine(line.replace(/\r$/, ""));
      });
      res.on("end", () => {
        flush();
        resolve();
      });
      res.on("error", () => {
        flush();
        resolve();
      });
    });
    const abort = (): void => {
      req.destroy();
      resolve();
    };
    signal.addEventListener("abort", abort, { once: true });
    req.on("close", () => signal.removeEventListener("abort", abort));
    req.on("error", (err) => (signal.aborted ? resolve() : reject(err)));
    req.end();
  });
}

function describe(err: unknown): string {
  const e = err as { code?: number; body?: unknown; message?: string };
  if (typeof e.code === "number" && e.code > 0) return `the API answered ${e.code}`;
  return e.message?.split("\n")[0] ?? String(err);
}

/**
 * followPodLogs streams the logs of the pods labelSelector matches in namespace until signal
 * aborts (or, with follow false, until each pod's log so far is read). A cluster that cannot be
 * reached yet is retried and reported through onStatus unless retryUnreachable is false.
 */
export async function followPodLogs(ref: ClusterRef, options: FollowPodLogsOptions): Promise<void> {
  const { namespace, labelSelector, onLine, signal } = options;
  const follow = options.follow ?? true;
  const tailLines = Math.max(1, options.tailLines ?? 20);
  const pollMs = options.pollMs ?? 2_000;
  const status = options.onStatus ?? (() => undefined);
  const followed = new Map<string, FollowedContainer>();
  // Resolves early (never rejects) when signal aborts.
  const sleep = (ms: number): Promise<void> => delay(ms, undefined, { signal }).catch(() => undefined);
  let firstListing = true;
  let lastStatus = "";
  const report = (text: string): void => {
    if (text !== lastStatus) status(text);
    lastStatus = text;
  };
  const { CoreV1Api } = await import("@kubernetes/client-node");
  while (!signal.aborted) {
    let pods: k8s.V1Pod[];
    let kc: k8s.KubeConfig;
    try {
      kc = await loadKubeConfig(ref);
      pods = (await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace, labelSelector })).items;
    } catch (err) {
      if (!follow || options.retryUnreachable === false) {
        if (err instanceof KitError) throw err;
        throw new KitError("external", `cannot list the pods ${labelSelector} in namespace ${namespace}`, {
          hint: `Is the environment up? \`kit status\` tells; \`kit up\` brings it up (${describe(err)}).`,
          cause: err,
        });
      }
      report(`cannot list pods yet (${describe(err)}); retrying`);
      await sleep(pollMs);
      continue;
    }
    const reads: Promise<void>[] = [];
    const listed = new Set(pods.map((p) => p.metadata?.name ?? ""));
    for (const [key, entry] of followed) {
      if (entry.ended && !listed.has(entry.pod)) followed.delete(key);
    }
    for (const pod of pods) {
      const podName = pod.metadata?.name ?? "";
      for (const { container, key, running } of readableContainers(pod)) {
        const known = followed.get(key);
        // A closed stream of a container that still runs was closed under it: reopen after the last line.
        if (known && !(known.ended && running && follow)) continue;
        const entry: FollowedContainer = known ?? {
          pod: podName,
          ended: false,
          openedAt: new Date().toISOString(),
        };
        entry.ended = false;
        followed.set(key, entry);
        const resumeAfter = known ? timestampOrder(known.lastTimestamp ?? known.openedAt) : undefined;
        // Pods seen at the start show their recent past; pods that start later show all they logged.
        const query = known
          ? { follow, sinceTime: (known.lastTimestamp ?? known.openedAt).replace(/\.\d+/, "") }
          : { follow, tailLines: firstListing ? tailLines : MAX_NEW_POD_LINES };
        const ended = readContainerLog(
          kc,
          { namespace, pod: podName, container },
          query,
          (raw) => {
            const { timestamp, text } = splitTimestamp(raw);
            if (timestamp) {
              // sinceTime has whole seconds: drop what the closed stream already showed.
              if (resumeAfter && timestampOrder(timestamp) <= resumeAfter) return;
              entry.lastTimestamp = timestamp;
            }
            onLine({ pod: podName, container, line: text });
          },
          signal,
        )
          .catch((err: unknown) => report(`cannot read ${podName}/${container} (${describe(err)})`))
          .finally(() => {
            entry.ended = true;
          });
        reads.push(ended);
      }
    }
    firstListing = false;
    if (!follow) {
      await Promise.all(reads);
      return;
    }
    const live = [...followed.values()].filter((f) => !f.ended).length;
    report(
      pods.length === 0
        ? `no pods match ${labelSelector} in namespace ${namespace} yet`
        : `following ${live} container${live === 1 ? "" : "s"} of ${pods.length} pod${pods.length === 1 ? "" : "s"}`,
    );
    await sleep(pollMs);
  }
}
