/**
 * record is the evidence a rollout gate leaves: a JSON record binding a verdict to exactly what
 * was tested (the image digest, the chart and its files, the values, the SLOs, kit's version and
 * the time). `kit rollout` writes one per app and run set, pass or fail; `kit promote` ships only
 * what a passing record covers. checkGate is pure, so every refusal has a unit test.
 */
import { existsSync, readFileSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../atomic-file.ts";
import { KIT_DIR, stateDir } from "../paths.ts";
import type { ChartIdentity } from "./inputs.ts";

/** GATE_RECORD_KIND marks a gate record file. */
export const GATE_RECORD_KIND = "kit.dev/GateRecord";

/** ImageIdentity is an image as pushed: where, and the digest of its manifest. */
export interface ImageIdentity {
  registry: string;
  repository: string;
  /** sha256:<64 hex>, the digest the registry reported on push. */
  digest: string;
}

/** GateRun is one measured rollout of a gate. */
export interface GateRun {
  run: number;
  ok: boolean;
  failures: { class: string; count: number }[];
  report: string;
}

/** GateRecord is the evidence one `kit rollout` of one app left. */
export interface GateRecord {
  kind: typeof GATE_RECORD_KIND;
  version: 1;
  app: string;
  /** The environment the gate ran in (local, or an AWS environment for a re-gate). */
  environment: string;
  verdict: "pass" | "fail";
  /** ISO time the verdict was reached. */
  time: string;
  image: ImageIdentity;
  chart: ChartIdentity;
  /** Hash of each environment's values files, by environment name. */
  values: Record<string, string>;
  /** Inputs layered over the release for this run only: a run with any is never promotable. */
  fault?: string;
  overrides: { valuesFiles: string[]; set: string[] };
  slo: Record<string, unknown>;
  runs: GateRun[];
  kit: { version: string };
}

/** kitVersion is the version of kit (kit/package.json). */
export function kitVersion(): string {
  const pkg = JSON.parse(readFileSync(join(KIT_DIR, "package.json"), "utf8")) as { version?: string };
  return pkg.version ?? "0.0.0";
}

/** gateDir is where a project keeps its gate records: .kit/gate/<app>/. */
export function gateDir(root: string, app: string): string {
  return join(stateDir(root), "gate", app);
}

/**
 * writeGateRecord stores a record under .kit/gate/<app>/ (atomically) and, when reportDir is
 * given, a copy beside the reports. It returns the stored file's path.
 */
export async function writeGateRecord(root: string, record: GateRecord, reportDir?: string): Promise<string> {
  const dir = gateDir(root, record.app);
  await mkdir(dir, { recursive: true });
  const stamp = record.time.replaceAll(":", "").replaceAll(".", "");
  const file = join(dir, `${stamp}-${record.environment}-${record.verdict}.json`);
  const text = `${JSON.stringify(record, null, 2)}\n`;
  await writeFileAtomic(file, text);
  if (reportDir) {
    await mkdir(reportDir, { recursive: true });
    await writeFile(join(reportDir, `${record.app}-gate.json`), text);
  }
  return file;
}

function isGateRecord(value: unknown): value is GateRecord {
  const r = value as Partial<GateRecord> | null;
  return (
    r !== null &&
    typeof r === "object" &&
    r.kind === GATE_RECORD_KIND &&
    r.version === 1 &&
    typeof r.app === "string" &&
    typeof r.image?.digest === "string" &&
    typeof r.chart?.hash === "string"
  );
}

/** readGateRecords returns every readable record of an app, newest first. */
export async function readGateRecords(root: string, app: string): Promise<GateRecord[]> {
  const dir = gateDir(root, app);
  if (!existsSync(dir)) return [];
  const records: GateRecord[] = [];
  for (const name of await readdir(dir)) {
    if (!name.endsWith(".json")) continue;
    try {
      const parsed = JSON.parse(await readFile(join(dir, name), "utf8")) as unknown;
      if (isGateRecord(parsed) && parsed.app === app) records.push(parsed);
    } catch {
      // A half-written or foreign file is not evidence.
    }
  }
  return records.sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0));
}

/** Candidate is what a promotion would ship now, to compare with the evidence. */
export interface Candidate {
  app: string;
  digest: string;
  chart: ChartIdentity;
  values: Record<string, string>;
  /** The environment the gate must have run in (local). */
  gateEnvironment: string;
  /** The environment being promoted to: its values must be unchanged since the gate too. */
  targetEnvironment: string;
}

/** GateCheck is the verdict on a candidate: the record that covers it, or why none does. */
export type GateCheck = { ok: true; record: GateRecord } | { ok: false; reason: string; fix: string };

const short = (digest: string): string => digest.replace(/^sha256:/, "").slice(0, 12);

/**
 * checkGate finds the newest record that proves candidate passed the gate and is still what
 * would ship: the same digest, chart files, and values (of the gate's and the target's
 * environment), no fault or override, and not older than maxAgeMs at time now.
 */
export function checkGate(
  records: readonly GateRecord[],
  candidate: Candidate,
  now: number,
  maxAgeMs: number,
): GateCheck {
  const rerun = `Run \`kit rollout ${candidate.app}\` against ${candidate.gateEnvironment} to gate what would ship now.`;
  const here = records.filter((r) => r.environment === candidate.gateEnvironment);
  const forDigest = here.filter((r) => r.image.digest === candidate.digest);
  if (forDigest.length === 0) {
    const others = here.filter((r) => r.verdict === "pass").map((r) => short(r.image.digest));
    return {
      ok: false,
      reason: `no gate record for ${candidate.app} at ${short(candidate.digest)} (the image ${candidate.gateEnvironment} runs now)${
        others.length > 0
          ? `; passing records exist for other digests: ${[...new Set(others)].join(", ")}`
          : ""
      }`,
      fix: rerun,
    };
  }
  const newest = forDigest[0] as GateRecord;
  if (newest.verdict !== "pass") {
    return {
      ok: false,
      reason: `the last gate of ${candidate.app} at ${short(candidate.digest)} failed (${newest.time}: ${
        newest.runs.flatMap((r) => r.failures.map((f) => `${f.class} ×${f.count}`)).join(", ") ||
        "see its report"
      })`,
      fix: `Fix what the report names, then ${rerun.charAt(0).toLowerCase()}${rerun.slice(1)}`,
    };
  }
  if (newest.fault || newest.overrides.valuesFiles.length > 0 || newest.overrides.set.length > 0) {
    return {
      ok: false,
      reason: `the last passing gate of ${candidate.app} ran with extra inputs (${[
        newest.fault && `fault ${newest.fault}`,
        ...newest.overrides.valuesFiles,
        ...newest.overrides.set,
      ]
        .filter(Boolean)
        .join(", ")}), which would not ship`,
      fix: rerun,
    };
  }
  if (newest.chart.hash !== candidate.chart.hash) {
    return {
      ok: false,
      reason: `the chart of ${candidate.app} (${candidate.chart.name} ${candidate.chart.version}) changed since the gate of ${newest.time}`,
      fix: rerun,
    };
  }
  for (const env of [candidate.gateEnvironment, candidate.targetEnvironment]) {
    if (newest.values[env] !== candidate.values[env]) {
      return {
        ok: false,
        reason: `the ${env} values files of ${candidate.app} changed since the gate of ${newest.time}`,
        fix: rerun,
      };
    }
  }
  const age = now - Date.parse(newest.time);
  if (!(age <= maxAgeMs)) {
    return {
      ok: false,
      reason: `the gate of ${candidate.app} is ${Math.round(age / 3_600_000)} h old, older than the ${Math.round(
        maxAgeMs / 3_600_000,
      )} h promote.maxGateAgeHours allows`,
      fix: `${rerun} Or raise promote.maxGateAgeHours in kit.config.yaml.`,
    };
  }
  return { ok: true, record: newest };
}
