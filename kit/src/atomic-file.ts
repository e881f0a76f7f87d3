/**
 * Files kit rewrites (records, memos, endpoints) are written whole or not at all: the content goes
 * to a temporary file beside the target, which is then renamed over it, so a reader never sees half
 * a file and an interrupted write leaves the previous one.
 */
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

let sequence = 0;

/** writeFileAtomic replaces file with content, creating its folder. */
export async function writeFileAtomic(
  file: string,
  content: string,
  options: { mode?: number } = {},
): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  // pid and a sequence: two writers of one file, in two processes or one, never share a temporary.
  const tmp = `${file}.tmp-${process.pid}-${++sequence}`;
  try {
    await writeFile(tmp, content, options.mode === undefined ? {} : { mode: options.mode });
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
}

/** writeJsonAtomic replaces file with value as JSON (indented by default) and a final newline. */
export function writeJsonAtomic(
  file: string,
  value: unknown,
  options: { compact?: boolean } = {},
): Promise<void> {
  return writeFileAtomic(file, `${JSON.stringify(value, null, options.compact ? undefined : 2)}\n`);
}
