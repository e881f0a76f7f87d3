// terraform-sandbox measures what the Terraform sandbox costs on a `kit up` terraform step that
// runs (a step whose configuration did not change is skipped and costs nothing): init + apply
// (nothing left to change after a warm-up apply) + output of terraform/environments/local against
// a moto of its own, sandboxed (network check, container start, configuration copy, one docker
// exec per command, container removal) and on the host (the same binary, mirror and emulator
// override, no container), KIT_BENCH_RUNS runs each (default 3), printed side by side.
// Goal: the sandbox adds under 2 s. Usage: npm run bench -- terraform-sandbox

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { run } from "../kit/src/exec/index.ts";
import { startAwsEmulator } from "../kit/src/providers/aws/index.ts";
import { resolveTerraformBinary } from "../kit/src/tools/terraform/binary.ts";
import { loadConfiguration } from "../kit/src/tools/terraform/configuration.ts";
import { localAwsEnv } from "../kit/src/tools/terraform/guard.ts";
import { ensureProviderMirror } from "../kit/src/tools/terraform/mirror.ts";
import { renderEmulatorFiles } from "../kit/src/tools/terraform/override.ts";
import { removeTerraformSandboxes, sandboxedTerraform } from "../kit/src/tools/terraform/terraform.ts";
import { median } from "./support/median.ts";

const root = process.cwd();
const runs = Number(process.env.KIT_BENCH_RUNS ?? 3);
const pid = process.pid;
const work = mkdtempSync(join(tmpdir(), "kit-bench-tf-"));
const seconds = (ms: number): string => (ms / 1000).toFixed(2);
const time = async (fn: () => Promise<unknown>): Promise<number> => {
  const started = performance.now();
  await fn();
  return performance.now() - started;
};

const sandboxProject = `bench-tfs-${pid}`;
const hostProject = `bench-tfh-${pid}`;
const sandboxEmulator = await startAwsEmulator({
  project: sandboxProject,
  emulator: "moto",
  imageSource: "build",
});
const hostEmulator = await startAwsEmulator({ project: hostProject, emulator: "moto", imageSource: "build" });
try {
  // Sandboxed: what plans/terraform-local.ts does, start to close.
  const setup: number[] = [];
  const close: number[] = [];
  const sandboxStep = async (): Promise<void> => {
    let tf: Awaited<ReturnType<typeof sandboxedTerraform>> | undefined;
    setup.push(
      await time(async () => {
        tf = await sandboxedTerraform({
          project: sandboxProject,
          configRoot: join(root, "terraform"),
          moduleDir: "environments/local",
          emulator: sandboxEmulator,
          stateFile: join(work, "sandbox", "local.tfstate"),
          dataDir: join(work, "sandbox", "data"),
          vars: { region: sandboxEmulator.region },
        });
      }),
    );
    if (!tf) throw new Error("no sandbox");
    try {
      await tf.init();
      await tf.apply();
      await tf.output();
    } finally {
      close.push(await time(() => (tf as { close(): Promise<void> }).close()));
    }
  };

  // On the host: the same binary, mirror and override, run directly (how kit ran Terraform before the sandbox).
  const binary = (await resolveTerraformBinary("auto")).path;
  const mirror = await ensureProviderMirror();
  const copy = join(work, "host", "terraform");
  cpSync(join(root, "terraform"), copy, { recursive: true, filter: (src) => !src.includes(".terraform") });
  const moduleDir = join(copy, "environments", "local");
  const hostStep = async (): Promise<void> => {
    const names = JSON.parse(
      readFileSync(join(dirname(mirror.dir), `endpoint-names-aws-${mirror.awsVersion}.json`), "utf8"),
    ) as string[];
    const files = renderEmulatorFiles(loadConfiguration(moduleDir), hostEmulator.endpoint, names, {
      localBackend: true,
    });
    for (const [name, text] of Object.entries(files)) writeFileSync(join(moduleDir, name), text);
    const env = {
      ...localAwsEnv(hostEmulator.endpoint, hostEmulator.region),
      PATH: process.env.PATH ?? "",
      TF_CLI_CONFIG_FILE: mirror.cliConfigFile,
      TF_DATA_DIR: join(work, "host", "data"),
      TF_IN_AUTOMATION: "1",
      TF_INPUT: "0",
      CHECKPOINT_DISABLE: "1",
    };
    const tf = (args: string[]) =>
      run(binary, args, { cwd: moduleDir, env, inheritEnv: false, timeoutMs: 30 * 60_000 });
    await tf([
      "init",
      "-input=false",
      "-no-color",
      "-reconfigure",
      `-backend-config=path=${join(work, "host", "local.tfstate")}`,
    ]);
    await tf([
      "apply",
      "-input=false",
      "-no-color",
      "-auto-approve",
      "-var",
      `region=${hostEmulator.region}`,
    ]);
    await tf(["output", "-json"]);
  };

  const results: Record<string, number[]> = { sandbox: [], host: [] };
  // Warm-up: the first apply creates the resources (and reads the provider's endpoint names once).
  await sandboxStep();
  await hostStep();
  setup.length = 0;
  close.length = 0;
  for (let i = 0; i < runs; i++) {
    results.sandbox?.push(await time(sandboxStep));
    results.host?.push(await time(hostStep));
  }
  const sandboxMedian = median(results.sandbox ?? []);
  const hostMedian = median(results.host ?? []);
  const rows = [
    ["terraform step (init + apply, no changes + output)", "median s", "runs s"],
    ["host (no sandbox)", seconds(hostMedian), (results.host ?? []).map(seconds).join(" ")],
    ["sandbox", seconds(sandboxMedian), (results.sandbox ?? []).map(seconds).join(" ")],
    [
      "  of which sandbox start (network, container, copy)",
      seconds(median(setup)),
      setup.map(seconds).join(" "),
    ],
    ["  of which sandbox removal", seconds(median(close)), close.map(seconds).join(" ")],
    ["sandbox cost (sandbox - host)", seconds(sandboxMedian - hostMedian), "goal: under 2 s"],
  ];
  const width = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  for (const r of rows) process.stdout.write(`${r.map((c, i) => c.padEnd(width[i] ?? 0)).join("  ")}\n`);
} finally {
  await removeTerraformSandboxes(sandboxProject);
  await sandboxEmulator.remove();
  await hostEmulator.remove();
  rmSync(work, { recursive: true, force: true });
}
