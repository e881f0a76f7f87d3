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
