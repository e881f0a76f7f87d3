/**
 * support holds what the end-to-end tests of kit up/down share: running the real CLI as a
 * subprocess (through kit's exec), and snapshots of Docker's containers, networks and volumes.
 */
import { join } from "node:path";
import type { KitEvent } from "../../src/engine/events.ts";
import { type RunResult, run } from "../../src/exec/index.ts";

/** ROOT is the repository root (the project kit acts on in these tests). */
export const ROOT = join(import.meta.dirname, "..", "..", "..");
const KIT = join(ROOT, "kit", "bin", "kit.js");

/** kit runs the real kit CLI and returns its result without throwing on a non-zero exit. */
export async function kit(
  args: string[],
  options: { timeoutMs?: number; signal?: AbortSignal; env?: Record<string, string> } = {},
): Promise<RunResult> {
  return run(process.execPath, [KIT, ...args], {
    cwd: ROOT,
    allowFailure: true,
    timeoutMs: options.timeoutMs ?? 60 * 60_000,
    signal: options.signal,
    env: { CI: "1", FORCE_COLOR: "0", ...options.env },
    onLine: process.env.KIT_TEST_VERBOSE ? (line) => process.stdout.write(`    kit> ${line}\n`) : undefined,
  });
}

/** jsonEvents parses `kit --json` output into events (skipping non-event lines). */
export function jsonEvents(stdout: string): KitEvent[] {
  return stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as KitEvent & { type: string })
    .filter((e) => typeof e.type === "string" && "time" in e);
}

/** DockerSnapshot is the names of every container, network and volume. */
export interface DockerSnapshot {
  containers: string[];
  networks: string[];
  volumes: string[];
}

async function lines(args: string[]): Promise<string[]> {
  const { stdout } = await run("docker", args);
  return stdout.split("\n").filter(Boolean).sort();
}

/** dockerSnapshot lists what exists now (`docker ps -a`, `docker network ls`, `docker volume ls`). */
export async function dockerSnapshot(): Promise<DockerSnapshot> {
  return {
    containers: await lines(["ps", "-a", "--format", "{{.Names}}"]),
    networks: await lines(["network", "ls", "--format", "{{.Name}}"]),
    volumes: await lines(["volume", "ls", "--format", "{{.Name}}"]),
  };
}

/** httpText fetches a URL and returns status and body. */
export async function httpText(url: string, init?: RequestInit): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: await response.text() };
}
