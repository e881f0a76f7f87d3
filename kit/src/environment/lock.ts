/**
 * lock is a local environment's lock: a file created exclusively (O_EXCL) in the environment's
 * state folder, holding who took it (pid, command, checkout, host, when), so two kit commands
 * never change one environment at once and the one that waits can say whom it waits for. A lock
 * whose process is gone (it crashed or was killed) is stale and taken over; on Linux the holder's
 * process start time is recorded too, so a pid reused by another program is not mistaken for it.
 */
import { randomBytes } from "node:crypto";
import {
  linkSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { hostname } from "node:os";
import { dirname } from "node:path";
import { CancelledError } from "../errors.ts";

/** LockHolder is what the lock file says about the process holding it. */
export interface LockHolder {
  pid: number;
  /** The kit command, e.g. "kit up". */
  command: string;
  /** The checkout (project root) it runs in. */
  checkout: string;
  host: string;
  /** ISO time the lock was taken. */
  since: string;
  /** The process's start time in clock ticks since boot (/proc/<pid>/stat field 22), when known. */
  processStart?: string;
  /** Tells this taking of the lock from an earlier one by the same process. */
  token: string;
}

/** LockSystem is what the lock needs from the machine; tests pass a fake. */
export interface LockSystem {
  pid: number;
  host: string;
  processStart(pid: number): string | undefined;
  /** Whether a process with this pid runs on this host (EPERM counts as running). */
  isRunning(pid: number): boolean;
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** processStartTicks reads field 22 of /proc/<pid>/stat, or undefined off Linux. */
export function processStartTicks(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) is in parentheses and may hold spaces; fields after it are plain.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

/** SYSTEM is the real machine. */
export const SYSTEM: LockSystem = {
  pid: process.pid,
  host: hostname(),
  processStart: processStartTicks,
  isRunning(pid) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === "EPERM";
    }
  },
  now: Date.now,
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new CancelledError());
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(new CancelledError());
      };
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
};

/** staleReason says why a holder no longer holds the lock, or undefined when it still does. */
export function staleReason(holder: LockHolder, system: LockSystem): string | undefined {
  // Another host's process cannot be checked from here (a shared home folder): it holds.
  if (holder.host !== system.host) return undefined;
  if (!system.isRunning(holder.pid)) return `pid ${holder.pid} (${holder.command}) is no longer running`;
  const start = system.processStart(holder.pid);
  if (holder.processStart && start && start !== holder.processStart) {
    return `pid ${holder.pid} now belongs to another program (${holder.command} ended)`;
  }
  return undefined;
}

/** describeHolder renders a holder for a person: "kit up (pid 4121) in /work/app since 20:01:02". */
export function describeHolder(holder: LockHolder, localHost: string = SYSTEM.host): string {
  const since = new Date(holder.since).toLocaleTimeString("en-GB", { hour12: false });
  return `${holder.command} (pid ${holder.pid}${holder.host === localHost ? "" : ` on ${holder.host}`}) in ${holder.checkout} since ${since}`;
}

/** AcquireOptions say how to wait and whom to tell. */
export interface AcquireOptions {
  signal?: AbortSignal;
  /** Called on every poll while another process holds the lock. */
  onWaiting?: (holder: LockHolder, waitedMs: number) => void;
  /** Called when a stale lock is taken over. */
  onStale?: (holder: LockHolder, reason: string) => void;
  /** Poll interval; default 500 ms. */
  pollMs?: number;
}

/** A lock file that is still empty after this long was left by a process that died while writing it. */
const UNWRITTEN_STALE_MS = 10_000;

/** EnvironmentLock is one environment's lock, as seen by this process. */
export class EnvironmentLock {
  private held: LockHolder | undefined;
  private pending: Promise<void> | undefined;
  private readonly onExit = (): void => this.release();

  constructor(
    readonly path: string,
    private readonly who: { command: string; checkout: string },
    private readonly system: LockSystem = SYSTEM,
  ) {}

  /** isHeld says whether this process holds the lock now. */
  get isHeld(): boolean {
    return this.held !== undefined;
  }

  /** describe renders a holder of this lock for a person (the host only when it is another machine). */
  describe(holder: LockHolder): string {
    return describeHolder(holder, this.system.host);
  }

  /** readHolder returns who holds the lock now, if anyone (undefined also while it is being written). */
  readHolder(): LockHolder | undefined {
    try {
      return JSON.parse(readFileSync(this.path, "utf8")) as LockHolder;
    } catch {
      return undefined;
    }
  }

  /**
   * acquire takes the lock, waiting while a running process holds it and taking over a stale one.
   * Callers in one process share one attempt (the first caller's options report the wait).
   */
  acquire(options: AcquireOptions = {}): Promise<void> {
    if (this.held) return Promise.resolve();
    this.pending ??= this.waitAndTake(options).finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async waitAndTake(options: AcquireOptions): Promise<void> {
    const started = this.system.now();
    for (;;) {
      options.signal?.throwIfAborted();
      const holder = this.tryCreate();
      if (holder === "taken") return;
      if (holder === undefined) {
        // Created but not yet written by its taker, or unreadable: give the writer a moment.
        if (this.ageMs() > UNWRITTEN_STALE_MS) this.breakStale(undefined);
      } else {
        const reason = staleReason(holder, this.system);
        if (reason) {
          if (this.breakStale(holder)) options.onStale?.(holder, reason);
          continue;
        }
        options.onWaiting?.(holder, this.system.now() - started);
      }
      await this.system.sleep(options.pollMs ?? 500, options.signal);
    }
  }

  /** release gives the lock up (when this process holds it) and removes the folder if that left it empty. */
  release(): void {
    if (!this.held) return;
    const current = this.readHolder();
    if (current?.token === this.held.token) unlinkSync(this.path);
    this.held = undefined;
    process.removeListener("exit", this.onExit);
    try {
      rmdirSync(dirname(this.path));
    } catch {
      // Not empty (the environment's state is there) or already gone.
    }
  }

  private tryCreate(): LockHolder | "taken" | undefined {
    const holder: LockHolder = {
      pid: this.system.pid,
      command: this.who.command,
      checkout: this.who.checkout,
      host: this.system.host,
      since: new Date(this.system.now()).toISOString(),
      processStart: this.system.processStart(this.system.pid),
      token: randomBytes(8).toString("hex"),
    };
    for (let attempt = 0; ; attempt++) {
      try {
        mkdirSync(dirname(this.path), { recursive: true });
        writeFileSync(this.path, `${JSON.stringify(holder, null, 2)}\n`, { flag: "wx" });
        this.held = holder;
        process.on("exit", this.onExit);
        return "taken";
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        // A `kit down` that just released may remove the folder between mkdir and the write.
        if (code === "ENOENT" && attempt < 3) continue;
        if (code !== "EEXIST") throw err;
        return this.readHolder();
      }
    }
  }

  private ageMs(): number {
    try {
      return this.system.now() - statSync(this.path).mtimeMs;
    } catch {
      return 0;
    }
  }

  /**
   * breakStale moves the stale lock aside and deletes it, unless what was moved is no longer the
   * holder judged stale (another waiter broke it first and took the lock): that one is put back.
   */
  private breakStale(judged: LockHolder | undefined): boolean {
    const aside = `${this.path}.stale-${this.system.pid}-${randomBytes(4).toString("hex")}`;
    try {
      renameSync(this.path, aside);
    } catch {
      return false;
    }
    let moved: LockHolder | undefined;
    try {
      moved = JSON.parse(readFileSync(aside, "utf8")) as LockHolder;
    } catch {
      moved = undefined;
    }
    if (moved?.token !== judged?.token) {
      try {
        linkSync(aside, this.path);
      } catch {
        // A third process took the lock meanwhile; the one moved aside stays the loser.
      }
      unlinkSync(aside);
      return false;
    }
    unlinkSync(aside);
    return true;
  }
}
