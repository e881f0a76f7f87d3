/**
 * execer is the one way kit runs a program, as a value that can be passed in: tools and plans
 * take an Execer (default realExecer, which is `run`), and their unit tests pass a FakeExecer that
 * answers from a script and records every call, as Tilt's localexec.Execer/FakeExecer and kind's
 * exec.Cmder do. The real one keeps everything `run` does: process groups killed on cancel,
 * timeout and exit, output lines as they come, errors that carry the command and its last lines.
 */
import { CancelledError, ExternalToolError } from "../errors.ts";
import { prettyCommand, type RunOptions, type RunResult, run } from "./index.ts";

/** Execer runs one program to its end. */
export interface Execer {
  run(file: string, args: readonly string[], options?: RunOptions): Promise<RunResult>;
}

/** realExecer runs real processes. */
export const realExecer: Execer = { run };

/** FakeCall is one call a FakeExecer received. */
export interface FakeCall {
  file: string;
  args: string[];
  /** The command line as `run` reports it. */
  command: string;
  options: RunOptions;
}

/** FakeAnswer is what a scripted program does: its output and exit code. */
export interface FakeAnswer {
  stdout?: string;
  stderr?: string;
  exitCode?: number;
}

type Matcher = string | RegExp | ((call: FakeCall) => boolean);

/**
 * FakeExecer answers calls from rules added with on(): the newest matching rule wins, so a test
 * can change an answer half-way. A matcher is a command-line prefix, a regular expression over
 * the command line, or a predicate. A call no rule matches fails the test with its command line.
 * Output reaches onLine as `run` would send it, and a non-zero exit throws the same error `run`
 * throws unless allowFailure is set; a cancelled signal throws CancelledError.
 */
export class FakeExecer implements Execer {
  readonly calls: FakeCall[] = [];
  private readonly rules: { match: Matcher; answer: FakeAnswer | ((call: FakeCall) => FakeAnswer) }[] = [];

  /** on adds a rule. */
  on(match: Matcher, answer: FakeAnswer | ((call: FakeCall) => FakeAnswer) = {}): this {
    this.rules.push({ match, answer });
    return this;
  }

  /** commands lists the command lines called so far, in order. */
  commands(): string[] {
    return this.calls.map((c) => c.command);
  }

  async run(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const call: FakeCall = { file, args: [...args], command: prettyCommand(file, args), options };
    this.calls.push(call);
    if (options.signal?.aborted) throw new CancelledError(`cancelled before running: ${call.command}`);
    const rule = [...this.rules].reverse().find((r) => matches(r.match, call));
    if (!rule) throw new Error(`FakeExecer: no rule answers \`${call.command}\``);
    const answer = typeof rule.answer === "function" ? rule.answer(call) : rule.answer;
    const stdout = answer.stdout ?? "";
    const stderr = answer.stderr ?? "";
    const exitCode = answer.exitCode ?? 0;
    for (const [text, stream] of [
      [stdout, "stdout"],
      [stderr, "stderr"],
    ] as const) {
      for (const line of text.split("\n").filter(Boolean)) options.onLine?.(line, stream);
    }
    if (exitCode !== 0 && !options.allowFailure) {
      const outputTail = [...stderr.split("\n"), ...stdout.split("\n")].filter(Boolean).slice(-30);
      throw new ExternalToolError(
        `${file} exited with code ${exitCode}`,
        { command: call.command, exitCode, outputTail },
        { hint: options.hint },
      );
    }
    return { command: call.command, exitCode, stdout, stderr };
  }
}

function matches(match: Matcher, call: FakeCall): boolean {
  if (typeof match === "string") return call.command === match || call.command.startsWith(`${match} `);
  if (match instanceof RegExp) return match.test(call.command);
  return match(call);
}
