import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  type Candidate,
  checkGate,
  type GateRecord,
  gateDir,
  readGateRecords,
  writeGateRecord,
} from "./record.ts";
import { passingGateRecord } from "./testing.ts";

const DIGEST = `sha256:${"a".repeat(64)}`;
const OTHER = `sha256:${"b".repeat(64)}`;
const NOW = Date.parse("2026-11-30T12:00:00Z");
const DAY = 24 * 3_600_000;

const record = (change: Partial<GateRecord> = {}): GateRecord => passingGateRecord(DIGEST, change);

const candidate: Candidate = {
  app: "go-app",
  digest: DIGEST,
  chart: { name: "go-app", version: "0.4.0", hash: "sha256:chart" },
  values: { local: "sha256:local", dev: "sha256:dev" },
  gateEnvironment: "local",
  targetEnvironment: "dev",
};

const reasonOf = (records: GateRecord[], c: Candidate = candidate): string => {
  const check = checkGate(records, c, NOW, DAY);
  if (check.ok) throw new Error("expected a refusal");
  return check.reason;
};

describe("checkGate", () => {
  it("accepts the newest passing record of the same digest, chart and values", () => {
    const check = checkGate([record()], candidate, NOW, DAY);
    expect(check.ok && check.record.time).toBe("2026-11-30T11:00:00.000Z");
  });

  it("refuses with no record, naming the digest and the digests that did pass", () => {
    expect(reasonOf([])).toBe("no gate record for go-app at aaaaaaaaaaaa (the image local runs now)");
    expect(reasonOf([record({ image: { ...record().image, digest: OTHER } })])).toMatch(
      /no gate record for go-app at aaaaaaaaaaaa .*passing records exist for other digests: bbbbbbbbbbbb/,
    );
  });

  it("refuses when the newest record of the digest failed, even if an older one passed", () => {
    const failed = record({
      verdict: "fail",
      time: "2026-11-30T11:30:00.000Z",
      runs: [{ run: 1, ok: false, failures: [{ class: "no-prestop", count: 3 }], report: "r" }],
    });
    expect(reasonOf([failed, record()])).toMatch(
      /last gate of go-app at aaaaaaaaaaaa failed .*no-prestop ×3/,
    );
  });

  it("refuses a pass that ran with a fault or extra values", () => {
    expect(reasonOf([record({ fault: "no-prestop" })])).toMatch(/extra inputs \(fault no-prestop\)/);
    expect(reasonOf([record({ overrides: { valuesFiles: ["x.yaml"], set: [] } })])).toMatch(/x\.yaml/);
  });

  it("refuses when the chart or the gate's or target's values changed since", () => {
    expect(reasonOf([record()], { ...candidate, chart: { ...candidate.chart, hash: "sha256:new" } })).toMatch(
      /chart of go-app \(go-app 0\.4\.0\) changed/,
    );
    expect(reasonOf([record()], { ...candidate, values: { ...candidate.values, dev: "sha256:x" } })).toMatch(
      /dev values files of go-app changed/,
    );
    expect(
      reasonOf([record()], { ...candidate, values: { ...candidate.values, local: "sha256:x" } }),
    ).toMatch(/local values files/);
  });

  it("refuses a record older than the allowed age", () => {
    expect(reasonOf([record({ time: "2026-11-28T11:00:00.000Z" })])).toMatch(/49 h old, older than the 24 h/);
  });

  it("ignores records of other environments (a re-gate on dev is not a local gate)", () => {
    expect(reasonOf([record({ environment: "dev" })])).toMatch(/no gate record/);
  });
});

describe("gate record files", () => {
  it("are written atomically and read back newest first; foreign files are ignored", async () => {
    const root = await mkdtemp(join(tmpdir(), "kit-gate-"));
    const reports = join(root, "reports");
    await writeGateRecord(root, record({ time: "2026-11-30T10:00:00.000Z" }));
    await writeGateRecord(root, record({ time: "2026-11-30T11:00:00.000Z", verdict: "fail" }), reports);
    await writeFile(join(gateDir(root, "go-app"), "junk.json"), "{not json");
    const read = await readGateRecords(root, "go-app");
    expect(read.map((r) => [r.time, r.verdict])).toEqual([
      ["2026-11-30T11:00:00.000Z", "fail"],
      ["2026-11-30T10:00:00.000Z", "pass"],
    ]);
    const copies = await readGateRecords(root, "node-app");
    expect(copies).toEqual([]);
  });
});
