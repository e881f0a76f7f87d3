/** testing holds the passing gate record unit tests start from (gate and promote share it). */
import { GATE_RECORD_KIND, type GateRecord } from "./record.ts";

/** passingGateRecord is a pass for go-app at digest, with change applied on top. */
export function passingGateRecord(digest: string, change: Partial<GateRecord> = {}): GateRecord {
  return {
    kind: GATE_RECORD_KIND,
    version: 1,
    app: "go-app",
    environment: "local",
    verdict: "pass",
    time: "2026-11-30T11:00:00.000Z",
    image: { registry: "localhost:5001", repository: "go-app", digest },
    chart: { name: "go-app", version: "0.4.0", hash: "sha256:chart" },
    values: { local: "sha256:local", dev: "sha256:dev" },
    overrides: { valuesFiles: [], set: [] },
    slo: {},
    runs: [{ run: 1, ok: true, failures: [], report: "r.json" }],
    kit: { version: "0.1.0" },
    ...change,
  };
}
