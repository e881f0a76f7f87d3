/**
 * checkJenkinsfile parses a Jenkinsfile with Groovy's own parser and checks it against the
 * declarative pipeline's grammar (declarative-check.groovy beside this file). Groovy comes from
 * Maven Central, pinned by version and sha256, into kit's cache once; Java runs it. Jenkins' own
 * validator is not on Maven Central, so this is the closest check that runs without a Jenkins.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { run, which } from "../../../src/exec/index.ts";
import { cacheDir } from "../../../src/paths.ts";

const GROOVY = {
  version: "4.0.33",
  sha256: "5240a9151289115e4d447d6b6d4cb9ac8a9fc6374e079714dfeeffda42323be8",
};
const CHECKER = fileURLToPath(new URL("declarative-check.groovy", import.meta.url));

/** ensureGroovy downloads groovy-<version>.jar into ~/.cache/kit/jars once and returns its path. */
export async function ensureGroovy(): Promise<string> {
  const jar = join(cacheDir(), "jars", `groovy-${GROOVY.version}.jar`);
  if (existsSync(jar)) return jar;
  const url = `https://repo1.maven.org/maven2/org/apache/groovy/groovy/${GROOVY.version}/groovy-${GROOVY.version}.jar`;
  const response = await fetch(url);
  if (!response.ok)
    throw new Error(`downloading ${url} failed: HTTP ${response.status}; Maven Central must be reachable`);
  const bytes = Buffer.from(await response.arrayBuffer());
  const digest = createHash("sha256").update(bytes).digest("hex");
  if (digest !== GROOVY.sha256)
    throw new Error(`${url} has sha256 ${digest}, expected ${GROOVY.sha256}: not the pinned artifact`);
  await mkdir(join(cacheDir(), "jars"), { recursive: true });
  await writeFile(`${jar}.partial`, bytes);
  await rename(`${jar}.partial`, jar);
  return jar;
}

/** The pipeline's shape as the checker prints it (the parts a test asserts on). */
export interface PipelineShape {
  agent?: string;
  parameters?: string[];
  options?: string[];
  stages: StageShape[];
}
export interface StageShape {
  name: string;
  agent?: string;
  environment?: Record<string, string>;
  when?: boolean;
  post?: string[];
  steps?: { step: string; script?: string }[];
  stages?: StageShape[];
  parallel?: StageShape[];
  matrix?: {
    axes: Record<string, string[]>;
    agent?: string;
    environment?: Record<string, string>;
    stages: StageShape[];
  };
}

export type CheckResult = { ok: true; shape: PipelineShape } | { ok: false; problems: string };

export async function checkJenkinsfile(file: string): Promise<CheckResult> {
  const java = await which("java");
  if (!java)
    throw new Error(
      "java is needed to check Jenkinsfiles (Groovy runs on it): install a JRE 17 or newer, e.g. apt-get install default-jre-headless",
    );
  const jar = await ensureGroovy();
  const result = await run(java, ["-cp", jar, "groovy.ui.GroovyMain", CHECKER, file], {
    allowFailure: true,
    timeoutMs: 120_000,
  });
  if (result.exitCode === 0) return { ok: true, shape: JSON.parse(result.stdout) as PipelineShape };
  return { ok: false, problems: result.stderr || result.stdout };
}
