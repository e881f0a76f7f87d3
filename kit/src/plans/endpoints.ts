/**
 * endpoints records the plan's outputs (URLs, kube context, database URLs) in .kit/endpoints.json,
 * which the Tiltfile and scripts read, so they never guess ports or names.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { EventSink } from "../engine/events.ts";
import { stateDir } from "../paths.ts";

/** endpointsRecorder collects plan-output events and writes them (merged with earlier ones) on write(). */
export function endpointsRecorder(root: string): { sink: EventSink; write: () => Promise<void> } {
  const collected: Record<string, string> = {};
  return {
    sink: (event) => {
      if (event.type === "plan-output") collected[event.key] = event.value;
    },
    async write() {
      if (Object.keys(collected).length === 0) return;
      const file = join(stateDir(root), "endpoints.json");
      const previous = await readFile(file, "utf8")
        .then((t) => JSON.parse(t) as Record<string, string>)
        .catch(() => ({}));
      await mkdir(stateDir(root), { recursive: true });
      await writeFile(`${file}.tmp`, `${JSON.stringify({ ...previous, ...collected }, null, 2)}\n`);
      await rename(`${file}.tmp`, file);
    },
  };
}
