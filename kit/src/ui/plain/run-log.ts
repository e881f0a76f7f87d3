/**
 * run-log keeps the whole of a plan's last run in a file (.kit/logs/<plan>.log): every event as the
 * plain printer writes it, with every step's output. The terminal UI shows the tail of one step at
 * a time and CI logs show failures only; this file is where the rest is, after the fact.
 */
import { createWriteStream, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { EventSink } from "../../engine/events.ts";
import { createPlainPrinter } from "./printer.ts";

/** RunLog is an open run log: a sink to feed and close() to flush it. */
export interface RunLog {
  path: string;
  sink: EventSink;
  close(): Promise<void>;
}

/** openRunLog starts (replacing) the log at path; the folder is made when missing. */
export function openRunLog(path: string): RunLog {
  mkdirSync(dirname(path), { recursive: true });
  const stream = createWriteStream(path, { flags: "w" });
  let failed: Error | undefined;
  // A log that cannot be written must not stop the run: the error is kept for close().
  stream.on("error", (err) => {
    failed = err;
  });
  const printer = createPlainPrinter({
    write: (text) => {
      if (!failed) stream.write(text);
    },
    verbose: true,
  });
  return {
    path,
    sink: printer,
    close: () =>
      new Promise<void>((resolve, reject) => {
        stream.end(() => (failed ? reject(failed) : resolve()));
      }),
  };
}
