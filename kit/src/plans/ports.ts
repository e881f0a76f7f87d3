/**
 * ports finds who holds a TCP port on this machine, so `kit up` can say "port 5001 is in use by
 * pid 4121 (node)" before any container fails to bind it, and tell ports held by kit's own
 * containers (a re-run) from ports held by something else.
 */
import { readdir, readFile, readlink } from "node:fs/promises";
import { run } from "../exec/index.ts";

/** PortHolder is what holds a listening port. */
export interface PortHolder {
  port: number;
  pid?: number;
  command?: string;
  /** The container publishing the port, when a Docker container does. */
  container?: string;
  /** Labels of that container. */
  labels?: Record<string, string>;
}

/** parseProcNetTcp returns the socket inodes listening on port, from /proc/net/tcp{,6} text. */
export function parseProcNetTcp(text: string, port: number): string[] {
  const inodes: string[] = [];
  for (const line of text.split("\n").slice(1)) {
    const fields = line.trim().split(/\s+/);
    const local = fields[1];
    const state = fields[3];
    const inode = fields[9];
    if (!local || state !== "0A" || !inode) continue;
    const hexPort = local.split(":").at(-1) ?? "";
    if (Number.parseInt(hexPort, 16) === port) inodes.push(inode);
  }
  return inodes;
}

async function listeningInodes(port: number): Promise<string[]> {
  const texts = await Promise.all(
    ["/proc/net/tcp", "/proc/net/tcp6"].map((f) => readFile(f, "utf8").catch(() => "")),
  );
  return texts.flatMap((t) => parseProcNetTcp(t, port));
}

async function pidOfInodes(inodes: string[]): Promise<number | undefined> {
  const wanted = new Set(inodes.map((i) => `socket:[${i}]`));
  for (const entry of await readdir("/proc").catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const fds = await readdir(`/proc/${entry}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const target = await readlink(`/proc/${entry}/fd/${fd}`).catch(() => "");
      if (wanted.has(target)) return Number(entry);
    }
  }
  return undefined;
}

/** findPortHolder returns who listens on port, or undefined when it is free. */
export async function findPortHolder(port: number, signal?: AbortSignal): Promise<PortHolder | undefined> {
  const inodes = await listeningInodes(port);
  if (inodes.length === 0) return undefined;
  const holder: PortHolder = { port };
  holder.pid = await pidOfInodes(inodes);
  if (holder.pid)
    holder.command = (await readFile(`/proc/${holder.pid}/comm`, "utf8").catch(() => "")).trim();
  const published = await run(
    "docker",
    ["ps", "--filter", `publish=${port}`, "--format", "{{.Names}}\t{{json .Labels}}"],
    { signal, allowFailure: true, timeoutMs: 15_000 },
  ).catch(() => undefined);
  const line = published?.exitCode === 0 ? published.stdout.split("\n").find(Boolean) : undefined;
  if (line) {
    const [name, labels] = line.split("\t");
    holder.container = name;
    holder.labels = Object.fromEntries(
      (JSON.parse(labels ?? '""') as string)
        .split(",")
        .filter(Boolean)
        .map((kv) => kv.split("=", 2) as [string, string]),
    );
  }
  return holder;
}

/** PortOwner is one host port an environment needs, the config field behind it, and how to tell it is the environment's own. */
export interface PortOwner {
  port: number;
  /** The field, e.g. "aws.hostPort" or "aws.hostPort + port offset 100". */
  field: string;
  ownedBy: (holder: PortHolder) => boolean;
}

/** KIND_CLUSTER_LABEL is the label kind puts on its node containers, naming the cluster. */
export const KIND_CLUSTER_LABEL = "io.x-k8s.kind.cluster";

/** holderEnvironment names the kit environment a port holder belongs to, when it is one of kit's containers. */
export function holderEnvironment(holder: PortHolder, projectLabel: string): string | undefined {
  return holder.labels?.[projectLabel] ?? holder.labels?.[KIND_CLUSTER_LABEL];
}

/**
 * portProblems says, for each needed port held by something that is not the environment's own,
 * who holds it: another kit environment by name, a container, or a process.
 */
export function portProblems(
  owners: readonly PortOwner[],
  holders: readonly (PortHolder | undefined)[],
  projectLabel: string,
): { problems: string[]; heldByEnvironment: boolean } {
  const problems: string[] = [];
  let heldByEnvironment = false;
  for (const [i, owner] of owners.entries()) {
    const holder = holders[i];
    if (!holder || owner.ownedBy(holder)) continue;
    const environment = holderEnvironment(holder, projectLabel);
    if (environment) heldByEnvironment = true;
    const who = environment
      ? `kit environment ${environment} (container ${holder.container})`
      : holder.container
        ? `container ${holder.container}`
        : holder.pid
          ? `pid ${holder.pid} (${holder.command ?? "?"})`
          : "another process";
    problems.push(`Port ${owner.port} (${owner.field}) is already in use by ${who}.`);
  }
  return { problems, heldByEnvironment };
}

/** portsHint says how to fix taken ports: another environment needs its own ports. */
export function portsHint(count: number, heldByEnvironment: boolean): string {
  const them = count > 1 ? "those ports" : "it";
  return heldByEnvironment
    ? `Two environments cannot share host ports: give this one its own with --port-offset N (KIT_PORT_OFFSET, or environments.local.portOffset in kit.config.yaml), or set the field named above; or share the other environment (same --env-name), or \`kit down\` it.`
    : `Free ${them} or choose another port for the field named in kit.config.yaml (or shift every port with --port-offset N).`;
}
