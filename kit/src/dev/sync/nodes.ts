/**
 * nodes is how `kit dev` reaches the folder devrun runs from on each kind node (a docker
 * container): publish copies a staged build there and then bumps the stamp devrun polls;
 * statuses reads what each pod's devrun reports. servedState (pure) decides from those reports
 * whether a generation is serving everywhere, failed somewhere, or still on its way.
 */
import { docker } from "../../tools/docker.ts";

/** DevrunStatus is one pod's devrun report (kit/devrun writes one JSON line per pod). */
export interface DevrunStatus {
  pod: string;
  generation: string;
  state: "starting" | "serving" | "failed" | "crashed" | "stopping";
  error?: string;
  swapMs?: number;
  /** Unix milliseconds; devrun rewrites it every 2 s while it runs. */
  updatedAt: number;
}

/** DevSyncNodes is what the dev-sync step acts through; dockerDevSyncNodes is the real one. */
export interface DevSyncNodes {
  /** Copies staging's contents into folder on every node, then writes generation to folder/stamp. */
  publish(
    nodes: readonly string[],
    folder: string,
    staging: string,
    generation: string,
    signal?: AbortSignal,
  ): Promise<void>;
  /** The generation in folder/stamp on each node ("" when there is none). */
  stamps(nodes: readonly string[], folder: string, signal?: AbortSignal): Promise<string[]>;
  /** Every pod's devrun report found on the nodes. */
  statuses(nodes: readonly string[], folder: string, signal?: AbortSignal): Promise<DevrunStatus[]>;
}

/** A report older than this is from a pod that is gone (devrun refreshes it every 2 s). */
export const STALE_STATUS_MS = 6_000;

/** ServedState is where a generation stands across the pods. */
export type ServedState =
  | { state: "serving"; pods: number; swapMs: number }
  | { state: "failed"; pod: string; error: string }
  | { state: "pending"; waitingFor: string[] }
  | { state: "no-pods" };

/** servedState reads the pods' reports for a generation. */
export function servedState(statuses: readonly DevrunStatus[], generation: string, now: number): ServedState {
  const live = statuses.filter((s) => now - s.updatedAt < STALE_STATUS_MS && s.state !== "stopping");
  if (live.length === 0) return { state: "no-pods" };
  const failed = live.find(
    (s) => s.generation === generation && (s.state === "failed" || s.state === "crashed"),
  );
  if (failed) return { state: "failed", pod: failed.pod, error: failed.error || failed.state };
  const waiting = live.filter((s) => s.generation !== generation || s.state !== "serving");
  if (waiting.length > 0) return { state: "pending", waitingFor: waiting.map((s) => s.pod) };
  return { state: "serving", pods: live.length, swapMs: Math.max(...live.map((s) => s.swapMs ?? 0)) };
}

/** parseStatuses reads devrun's JSON lines, skipping any that are torn or not devrun's. */
export function parseStatuses(text: string): DevrunStatus[] {
  const out: DevrunStatus[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      const s = JSON.parse(line) as Partial<DevrunStatus>;
      if (
        typeof s.pod === "string" &&
        typeof s.generation === "string" &&
        typeof s.updatedAt === "number" &&
        s.state
      )
        out.push(s as DevrunStatus);
    } catch {
      // A line being rewritten; the next read has it whole.
    }
  }
  return out;
}

const quote = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;

/** Node folders this process made: later publishes skip the `mkdir` (one `docker exec` less). */
const prepared = new Set<string>();

/** dockerDevSyncNodes reaches the kind nodes through `docker exec` and `docker cp`. */
export const dockerDevSyncNodes: DevSyncNodes = {
  async publish(nodes, folder, staging, generation, signal) {
    const prepare = (node: string) =>
      docker(
        ["exec", node, "sh", "-c", `mkdir -p ${quote(folder)}/status && chmod 1777 ${quote(folder)}/status`],
        {
          signal,
        },
      );
    await Promise.all(
      nodes.map(async (node) => {
        // devrun runs as the app's user (65532) and writes its report under status/.
        const key = `${node}:${folder}`;
        if (!prepared.has(key)) await prepare(node);
        prepared.add(key);
        await docker(["cp", `${staging}/.`, `${node}:${folder}`], { signal }).catch(async () => {
          // A node made again since (kit down, kit up): its folder is gone.
          await prepare(node);
          await docker(["cp", `${staging}/.`, `${node}:${folder}`], { signal });
        });
        await docker(
          [
            "exec",
            node,
            "sh",
            "-c",
            `printf %s ${quote(generation)} > ${quote(folder)}/stamp.tmp && mv ${quote(folder)}/stamp.tmp ${quote(folder)}/stamp`,
          ],
          { signal },
        );
      }),
    );
  },
  async stamps(nodes, folder, signal) {
    return Promise.all(
      nodes.map(async (node) =>
        (
          await docker(["exec", node, "sh", "-c", `cat ${quote(folder)}/stamp 2>/dev/null || true`], {
            signal,
          })
        ).trim(),
      ),
    );
  },
  async statuses(nodes, folder, signal) {
    const texts = await Promise.all(
      nodes.map((node) =>
        docker(["exec", node, "sh", "-c", `cat ${quote(folder)}/status/* 2>/dev/null || true`], { signal }),
      ),
    );
    return texts.flatMap(parseStatuses);
  },
};
