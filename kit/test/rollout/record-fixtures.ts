/**
 * record-fixtures re-records the analyzer's fixtures from real runs: each simulated rollout
 * (support/simulated-rollout.ts) runs the real probe against real loopback servers, and the
 * recording is written to fixtures/<scenario>.json.
 *
 *   npx tsx kit/test/rollout/record-fixtures.ts [scenario...]
 */
import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { analyze } from "../../src/rollout/analyze/index.ts";
import { causeOf } from "../../src/rollout/report/causes.ts";
import { SCENARIOS, simulateRollout } from "./support/simulated-rollout.ts";

const names = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(SCENARIOS);
for (const name of names) {
  const scenario = SCENARIOS[name];
  if (!scenario) throw new Error(`unknown scenario ${name}; known: ${Object.keys(SCENARIOS).join(", ")}`);
  const recording = await simulateRollout(scenario);
  const file = fileURLToPath(new URL(`fixtures/${name}.json`, import.meta.url));
  await writeFile(file, `${JSON.stringify(recording, null, 2)}\n`);
  const analysis = analyze(recording);
  const classes = analysis.failures.map((f) => `${f.class}×${f.count}`).join(" ");
  console.log(`${name}: ${recording.records.length} records, ok=${analysis.ok}, ${classes || "no failures"}`);
  for (const f of analysis.failures)
    console.log(`   ${f.class} [${JSON.stringify(f.byKind)}] ${causeOf(f.evidence)}`);
}
