/**
 * exec is the one place in kit that runs other programs. Every call can be cancelled with an
 * AbortSignal (which kills the whole process tree), has a timeout, streams its output line by
 * line to a callback (the engine turns those into log events), and fails with an
 * ExternalToolError that carries the pasteable command, the exit code and the last output lines.
 */
import { access, constants, stat } from "node:fs/promises";
import { delimiter, resolve } from "node:path";
import { execa, type ResultPromise } from "execa";
import { CancelledError, ExternalToolError } from "../errors.ts";

/** OutputStream names which stream a line came from. */
export type OutputStream = "stdout" | "stderr";

/** RunOptions configure one run of an external program. */
export interface RunOptions {
  cwd?: string;
  /** Variables added to (not replacing) the inherited environment, unless inheritEnv is false. */
  env?: Record<string, string | undefined>;
  inheritEnv?: boolean;
  /** Cancels the run; the process tree gets SIGTERM, then SIGKILL after killGraceMs. */
  signal?: AbortSignal;
  /** Fails the run after this many milliseconds. Default: 10 minutes. */
  timeoutMs?: number;
  killGraceMs?: number;
  /** Text written to standard input. */
  input?: string;
  /** Called for each output line as it arrives. */
  onLine?: (line: string, stream: OutputStream) => void;
  /** Lines of output kept for the error message. Default 30. */
  tailLines?: number;
  /** When true a non-zero exit is returned, not thrown. */
  allowFailure?: boolean;
  /** Added to the error to tell the user what to do when the command fails. */
  hint?: string;
}

/** RunResult is what a finished run produced. */
export interface RunResult {
  command: string;
  exitCode: number;
  stdout: string;
  stderr: string;
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;

/** prettyCommand renders a command line that can be pasted into a shell. */
export function prettyCommand(file: string, args: readonly string[]): string {
  return [file, ...args].map(shellQuote).join(" ");
}

function shellQuote(word: string): string {
  if (word === "") return "''";
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** TAIL_LINE_CHARS bounds each line kept in a command's output tail. */
const TAIL_LINE_CHARS = 2000;

/** LineSplitter turns chunks into whole lines, keeping a bounded tail. */
class LineSplitter {
  private partial = "";
  readonly tail: string[] = [];

  constructor(
    private readonly stream: OutputStream,
    private readonly tailLimit: number,
    private readonly onLine?: (line: string, stream: OutputStream) => void,
  ) {}

  push(chunk: string): void {
    const text = this.partial + chunk;
    const lines = text.split(/\r?\n/);
    this.partial = lines.pop() ?? "";
    for (const line of lines) this.emit(line);
  }

  end(): void {
    if (this.partial !== "") this.emit(this.partial);
    this.partial = "";
  }

  private emit(line: string): void {
    // The tail goes into error messages: keep a screenful of each line, not a megabyte of JSON.
    this.tail.push(line.length > TAIL_LINE_CHARS ? `${line.slice(0, TAIL_LINE_CHARS)} …` : line);
    if (this.tail.length > this.tailLimit) this.tail.shift();
    this.onLine?.(line, this.stream);
  }
}

function killTree(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/**
 * liveGroups are the process groups of runs still going. Each run is the leader of a group of its
 * own (detached), which execa's cleanup does not reach, so kit kills what is left on every way out:
 * a normal exit, a second Ctrl-C (process.exit(130)), an uncaught error.
 */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

/** killLiveGroups sends SIGKILL to every process group a run of kit still has going. */
export function killLiveGroups(): void {
  for (const pid of liveGroups) killTree(pid, "SIGKILL");
  liveGroups.clear();
}

function trackGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  if (!exitHookInstalled) {
    process.once("exit", killLiveGroups);
    exitHookInstalled = true;
  }
  liveGroups.add(pid);
}

/**
 * run executes file with args and resolves when it exits. It never uses a shell.
 * A non-zero exit, a timeout or a failure to start throws ExternalToolError (unless allowFailure);
 * cancellation throws CancelledError after the process tree is gone.
 */
export async function run(
  file: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  const command = prettyCommand(file, args);
  if (options.signal?.aborted) throw new CancelledError(`cancelled before running: ${command}`);
  const tailLimit = options.tailLines ?? 30;
  const out = new LineSplitter("stdout", tailLimit, options.onLine);
  const err = new LineSplitter("stderr", tailLimit, options.onLine);
  const child: ResultPromise = execa(file, [...args], {
    cwd: options.cwd,
    env: options.env,
    extendEnv: options.inheritEnv ?? true,
    input: options.input,
    stdin: options.input === undefined ? "ignore" : undefined,
    reject: false,
    all: false,
    encoding: "utf8",
    stripFinalNewline: false,
    // A process group of its own, so cancellation can kill the whole tree (as Tilt's localexec does).
    detached: true,
    cleanup: true,
    buffer: true,
    maxBuffer: 256 * 1024 * 1024,
  });
  trackGroup(child.pid);
  child.stdout?.on("data", (chunk: Buffer) => out.push(chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => err.push(chunk.toString("utf8")));

  let timedOut = false;
  let cancelled = false;
  const stop = (): void => {
    killTree(child.pid, "SIGTERM");
    const hard = setTimeout(() => killTree(child.pid, "SIGKILL"), options.killGraceMs ?? 5_000);
    hard.unref();
  };
  const onAbort = (): void => {
    cancelled = true;
    stop();
  };
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const timer = setTimeout(() => {
    timedOut = true;
    stop();
  }, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  timer.unref();

  try {
    const result = await child;
    out.end();
    err.end();
    const outputTail = [...err.tail, ...out.tail].slice(-tailLimit);
    if (cancelled) throw new CancelledError(`cancelled: ${command}`);
    if (timedOut) {
      throw new ExternalToolError(
        `${file} did not finish within ${Math.round((options.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000)} s`,
        { command, exitCode: undefined, outputTail },
        { hint: options.hint ?? "It may be stuck; run the command yourself to see what it waits for." },
      );
    }
    if (result.failed && result.exitCode === undefined) {
      const cause = (result as { cause?: unknown }).cause;
      const notFound = (cause as NodeJS.ErrnoException | undefined)?.code === "ENOENT";
      throw new ExternalToolError(
        notFound ? `${file} is not installed or not on PATH` : `${file} could not be started`,
        { command, exitCode: undefined, outputTail },
        { hint: notFound ? "Run `kit doctor --fix` to install the tools kit needs." : options.hint, cause },
      );
    }
    const exitCode = result.exitCode ?? 1;
    const stdout = String(result.stdout ?? "");
    const stderr = String(result.stderr ?? "");
    if (exitCode !== 0 && !options.allowFailure) {
      throw new ExternalToolError(
        `${file} exited with code ${exitCode}`,
        { command, exitCode, outputTail },
        { hint: options.hint },
      );
    }
    return { command, exitCode, stdout, stderr };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
    if (child.pid !== undefined) liveGroups.delete(child.pid);
  }
}

/** BackgroundProcess is a long-running program kit started and left running (a daemon). */
export interface BackgroundProcess {
  pid: number;
  command: string;
}

/**
 * startBackground launches a daemon detached from kit, with its output appended to logFile.
 * The caller waits for readiness with a real check.
 */
export async function startBackground(
  file: string,
  args: readonly string[],
  options: { logFile: string; env?: Record<string, string | undefined>; cwd?: string },
): Promise<BackgroundProcess> {
  // node's spawn, not execa: execa keeps a handle on the child that holds kit's event loop open,
  // and a daemon must let kit exit.
  const { spawn } = await import("node:child_process");
  const { openSync, closeSync } = await import("node:fs");
  const fd = openSync(options.logFile, "a");
  try {
    const child = spawn(file, [...args], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      detached: true,
      stdio: ["ignore", fd, fd],
    });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once("spawn", () => resolve(child.pid as number));
      child.once("error", reject);
    }).catch((err: unknown) => {
      throw new ExternalToolError(
        `${file} could not be started`,
        { command: prettyCommand(file, args), exitCode: undefined, outputTail: [] },
        { cause: err },
      );
    });
    child.unref();
    return { pid, command: prettyCommand(file, args) };
  } finally {
    closeSync(fd);
  }
}

/** isExecutableFile says whether path is a regular file (or a link to one) this process may execute. */
async function isExecutableFile(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * which returns the absolute path of the first executable file called name in extraDirs (in
 * their order) and then on PATH, or undefined. A directory or a file without execute permission
 * of that name is passed over, as a shell does. name is a bare command name, not a path.
 */
export async function which(name: string, extraDirs: readonly string[] = []): Promise<string | undefined> {
  const dirs = [...extraDirs, ...(process.env.PATH ?? "").split(delimiter)].filter(Boolean);
  for (const dir of dirs) {
    const candidate = resolve(dir, name);
    if (await isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}
