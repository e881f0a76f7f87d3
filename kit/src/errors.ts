/**
 * KitErrorKind says who can fix a failure: the user (bad input or environment), an external tool
 * that failed, or kit itself (a bug). It decides the exit code and whether a stack is printed.
 */
export type KitErrorKind = "user" | "external" | "bug";

/** KitErrorOptions are the optional parts of a KitError. */
export interface KitErrorOptions {
  /** What the user can do next, one or more sentences. */
  hint?: string;
  /** The lower-level error this one wraps. */
  cause?: unknown;
}

/**
 * KitError is the base of every error kit raises on purpose. Lower layers wrap with what they
 * were doing; only the top level prints.
 */
export class KitError extends Error {
  readonly kind: KitErrorKind;
  readonly hint: string | undefined;

  constructor(kind: KitErrorKind, message: string, options: KitErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.kind = kind;
    this.hint = options.hint;
  }
}

/** UserError is a problem the user can fix (bad flag, bad config, Docker not running); exit code 2. */
export class UserError extends KitError {
  constructor(message: string, options: KitErrorOptions = {}) {
    super("user", message, options);
  }
}

/** ExternalToolError is a failure of a program kit ran; it carries the command and its last output. */
export class ExternalToolError extends KitError {
  readonly command: string;
  readonly exitCode: number | undefined;
  readonly outputTail: string[];

  constructor(
    message: string,
    details: { command: string; exitCode: number | undefined; outputTail: string[] },
    options: KitErrorOptions = {},
  ) {
    super("external", message, options);
    this.command = details.command;
    this.exitCode = details.exitCode;
    this.outputTail = details.outputTail;
  }
}

/** CancelledError marks work stopped by cancellation (Ctrl-C, SIGTERM, or a failed dependency). */
export class CancelledError extends KitError {
  constructor(message = "cancelled") {
    super("user", message);
  }
}

/**
 * wrapError adds what kit was doing to an error, keeping a KitError's kind and hint so the user
 * still sees the right next step.
 */
export function wrapError(err: unknown, doing: string): KitError {
  if (err instanceof ExternalToolError) {
    return new ExternalToolError(
      `${doing}: ${err.message}`,
      { command: err.command, exitCode: err.exitCode, outputTail: err.outputTail },
      { hint: err.hint, cause: err },
    );
  }
  if (err instanceof KitError) {
    return new KitError(err.kind, `${doing}: ${err.message}`, { hint: err.hint, cause: err });
  }
  return new KitError("bug", `${doing}: ${errorMessage(err)}`, { cause: err });
}

/** errorMessage returns a readable message for any thrown value. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/**
 * exitCodeFor maps an error to kit's exit codes: 130 for a cancellation (Ctrl-C, as a shell reports
 * SIGINT), 2 for user errors, 1 for everything else.
 */
export function exitCodeFor(err: unknown): number {
  if (err instanceof CancelledError) return 130;
  return err instanceof KitError && err.kind === "user" ? 2 : 1;
}
