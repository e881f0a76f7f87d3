import type { EventSink } from "../../engine/events.ts";

/** createJsonPrinter returns an EventSink that writes each event as one JSON line. */
export function createJsonPrinter(write: (text: string) => void): EventSink {
  return (event) => write(`${JSON.stringify(event)}\n`);
}
