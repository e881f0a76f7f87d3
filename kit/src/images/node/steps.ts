/**
 * steps gives every node-image build step a name, so a failure says which step broke, the command
 * it ran, the command's last output lines (kept from ExternalToolError) and what to do next.
 */
import { copyFile, link, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { ExternalToolError, KitError, wrapError } from "../../errors.ts";

/** BuildProgress receives one line per step start/end and the raw output of long steps. */
export interface BuildProgress {
  signal?: AbortSignal;
  onLine?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

/** StepTiming records how long a named step took and whether it did any work. */
export interface StepTiming {
  step: string;
  seconds: number;
  built: boolean;
}

/**
 * buildStep runs fn as the named step; a failure is rethrown naming the step, with the command and
 * output tail of the underlying tool and a hint (the tool's own hint, else `hint`).
 */
export async function buildStep<T>(
  step: string,
  hint: string,
  fn: () => Promise<T>,
  progress: BuildProgress = {},
): Promise<T> {
  progress.onLine?.(`[${step}] start`);
  const started = Date.now();
  try {
    const result = await fn();
    progress.onLine?.(`[${step}] done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return result;
  } catch (err) {
    const wrapped = wrapError(err, `node image build step "${step}" failed`);
    const fullHint = [wrapped.hint, hint].filter(Boolean).join(" ");
    if (wrapped instanceof ExternalToolError) {
      throw new ExternalToolError(
        wrapped.message,
        { command: wrapped.command, exitCode: wrapped.exitCode, outputTail: wrapped.outputTail },
        { hint: fullHint, cause: err },
      );
    }
    throw new KitError(wrapped.kind, wrapped.message, { hint: fullHint, cause: err });
  }
}

/** placeFile hard-links src to dest (same filesystem) or copies it, creating dest's folder. */
export async function placeFile(src: string, dest: string): Promise<void> {
  await mkdir(dirname(dest), { recursive: true });
  try {
    await link(src, dest);
  } catch {
    await copyFile(src, dest);
  }
}
