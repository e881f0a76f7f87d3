import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CancelledError } from "../errors.ts";
import {
  EnvironmentLock,
  type LockHolder,
  type LockSystem,
  processStartTicks,
  SYSTEM,
  staleReason,
} from "./lock.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A machine where pids in `running` run, with the start ticks given, and sleeping advances a clock. */
function fakeSystem(
  pid: number,
  running: Map<number, string>,
  onSleep?: () => void,
): LockSystem & { slept: number } {
  const system = {
    pid,
    host: "test-host",
    slept: 0,
    clock: Date.now(),
    processStart: (p: number) => running.get(p),
    isRunning: (p: number) => running.has(p),
    now: () => system.clock,
    sleep: async (ms: number, signal?: AbortSignal) => {
      signal?.throwIfAborted();
      system.slept++;
      system.clock += ms;
      onSleep?.();
    },
  };
  return system;
}

const lockPath = (): string => {
  const dir = mkdtempSync(join(tmpdir(), "kit-lock-"));
  dirs.push(dir);
  return join(dir, "envs", "shop", "lock");
};

const who = (checkout: string) => ({ command: "kit up", checkout });

describe("EnvironmentLock", () => {
  it("is taken at once when free, records its holder, and is given up (with its emptied folder)", async () => {
    const path = lockPath();
    const lock = new EnvironmentLock(path, who("/work/a"), fakeSystem(100, new Map([[100, "55"]])));
    await lock.acquire();
    expect(lock.isHeld).toBe(true);
    const holder = JSON.parse(readFileSync(path, "utf8")) as LockHolder;
    expect(holder).toMatchObject({
      pid: 100,
      command: "kit up",
      checkout: "/work/a",
      host: "test-host",
      processStart: "55",
    });
    lock.release();
    expect(lock.isHeld).toBe(false);
    expect(existsSync(join(path, ".."))).toBe(false);
  });

  it("waits while a running process holds it, saying who, and takes it once that one gives it up", async () => {
    const path = lockPath();
    const running = new Map([
      [100, "55"],
      [200, "66"],
    ]);
    const first = new EnvironmentLock(path, who("/work/a"), fakeSystem(100, running));
    await first.acquire();
    const waits: LockHolder[] = [];
    const second = new EnvironmentLock(
      path,
      who("/work/b"),
      fakeSystem(200, running, () => {
        if (waits.length === 3) first.release();
      }),
    );
    await second.acquire({ onWaiting: (holder) => waits.push(holder) });
    expect(waits).toHaveLength(3);
    expect(waits[0]).toMatchObject({ pid: 100, checkout: "/work/a" });
    expect(second.isHeld).toBe(true);
    expect((JSON.parse(readFileSync(path, "utf8")) as LockHolder).checkout).toBe("/work/b");
  });

  it("takes over a lock whose process is gone, or whose pid now belongs to another program", async () => {
    for (const [running, why] of [
      [new Map([[200, "66"]]), /pid 100 \(kit up\) is no longer running/],
      [
        new Map([
          [100, "999"],
          [200, "66"],
        ]),
        /pid 100 now belongs to another program/,
      ],
    ] as const) {
      const path = lockPath();
      const dead = new EnvironmentLock(path, who("/work/a"), fakeSystem(100, new Map([[100, "55"]])));
      await dead.acquire();
      const stale: string[] = [];
      const system = fakeSystem(200, new Map(running));
      const next = new EnvironmentLock(path, who("/work/b"), system);
      await next.acquire({ onStale: (_holder, reason) => stale.push(reason) });
      expect(next.isHeld).toBe(true);
      expect(system.slept).toBe(0);
      expect(stale).toEqual([expect.stringMatching(why)]);
    }
  });

  it("does not release a lock another process took after it (a stale takeover)", async () => {
    const path = lockPath();
    const mine = new EnvironmentLock(path, who("/work/a"), fakeSystem(100, new Map([[100, "55"]])));
    await mine.acquire();
    const theirs = new EnvironmentLock(path, who("/work/b"), fakeSystem(200, new Map([[200, "66"]])));
    await theirs.acquire();
    mine.release();
    expect((JSON.parse(readFileSync(path, "utf8")) as LockHolder).checkout).toBe("/work/b");
  });

  it("shares one attempt between callers of one process", async () => {
    const lock = new EnvironmentLock(lockPath(), who("/work/a"), fakeSystem(100, new Map([[100, "55"]])));
    await Promise.all([lock.acquire(), lock.acquire(), lock.acquire()]);
    expect(lock.isHeld).toBe(true);
  });

  it("stops waiting when cancelled", async () => {
    const path = lockPath();
    const running = new Map([
      [100, "55"],
      [200, "66"],
    ]);
    await new EnvironmentLock(path, who("/work/a"), fakeSystem(100, running)).acquire();
    const controller = new AbortController();
    const waiting = new EnvironmentLock(path, who("/work/b"), fakeSystem(200, running)).acquire({
      signal: controller.signal,
      onWaiting: () => controller.abort(new CancelledError()),
    });
    await expect(waiting).rejects.toBeInstanceOf(CancelledError);
  });

  it("takes over a lock file left empty by a process that died while writing it", async () => {
    const path = lockPath();
    const system = fakeSystem(200, new Map([[200, "66"]]));
    const lock = new EnvironmentLock(path, who("/work/b"), system);
    const { mkdirSync } = await import("node:fs");
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, "");
    await lock.acquire();
    expect(lock.isHeld).toBe(true);
    // It gave the writer 10 s first.
    expect(system.slept).toBeGreaterThanOrEqual(1);
  });
});

describe("staleReason on this machine", () => {
  it("holds for this very process and not for a pid that runs nothing", () => {
    const me: LockHolder = {
      pid: process.pid,
      command: "vitest",
      checkout: "/",
      host: SYSTEM.host,
      since: new Date().toISOString(),
      processStart: processStartTicks(process.pid),
      token: "t",
    };
    expect(staleReason(me, SYSTEM)).toBeUndefined();
    expect(staleReason({ ...me, pid: 2 ** 22 + 1 }, SYSTEM)).toMatch(/no longer running/);
    expect(staleReason({ ...me, host: "elsewhere", pid: 2 ** 22 + 1 }, SYSTEM)).toBeUndefined();
  });
});
