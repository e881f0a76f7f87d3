// services measures start-to-ready of the services kit runs beside the cluster: the database
// (the provider the image source picks) and each AWS emulator, cold (a new container from a
// present image), warm (the running container reused, as on a `kit up` re-run) and restart (a
// stopped container started again). Ready means real calls answer (driver ping, SDK calls).
// It also times the Terraform provider mirror; KIT_BENCH_PROVIDER_COLD=1 rebuilds
// terraform-provider-aws in a fresh cache directory under /usr/bin/time -v (tens of minutes).
// Usage: npm run bench -- services
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../kit/src/exec/index.ts";
import { AWS_EMULATORS } from "../kit/src/providers/aws/index.ts";
import { removeKitContainers } from "../kit/src/providers/container/index.ts";
import { startDatabase } from "../kit/src/providers/database/index.ts";
import { ensureProviderMirror, mirrorRoot, terraformPlatform } from "../kit/src/tools/terraform/mirror.ts";
import { AWS_PROVIDER_PIN } from "../kit/src/tools/terraform/versions.ts";

const rows: string[][] = [["service", "cold (new container) s", "warm (reused) s", "restart (stopped) s"]];
const seconds = (ms: number): string => (ms / 1000).toFixed(2);
const time = async (fn: () => Promise<unknown>): Promise<number> => {
  const started = performance.now();
  await fn();
  return performance.now() - started;
};

async function measure(
  label: string,
  project: string,
  start: () => Promise<{ stop(): Promise<void> }>,
): Promise<void> {
  await removeKitContainers({ project, volumes: true });
  try {
    // Build the image first (if needed) so cold measures container start, not image build.
    await start();
    await removeKitContainers({ project, volumes: true });
    const cold = await time(start);
    const warm = await time(start);
    const running = await start();
    await running.stop();
    const restart = await time(start);
    rows.push([label, seconds(cold), seconds(warm), seconds(restart)]);
  } finally {
    await removeKitContainers({ project, volumes: true });
  }
}

const pid = process.pid;
await measure("database", `bench-db-${pid}`, () => startDatabase({ project: `bench-db-${pid}` }));
for (const name of ["moto", "localstack"] as const) {
  await measure(`aws ${name}`, `bench-${name}-${pid}`, () =>
    AWS_EMULATORS[name].start({ project: `bench-${name}-${pid}`, imageSource: "build" }),
  );
}

const width = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
for (const r of rows) process.stdout.write(`${r.map((c, i) => c.padEnd(width[i] ?? 0)).join("  ")}\n`);

const mirrored = join(
  mirrorRoot(),
  "registry.terraform.io/hashicorp/aws",
  AWS_PROVIDER_PIN.providerVersion,
  terraformPlatform(),
  `terraform-provider-aws_v${AWS_PROVIDER_PIN.providerVersion}`,
);
if (existsSync(mirrored)) {
  const mirrorMs = await time(() => ensureProviderMirror());
  process.stdout.write(`\nterraform-provider-aws mirror ready (cached build): ${seconds(mirrorMs)} s\n`);
} else {
  process.stdout.write(
    "\nterraform-provider-aws is not built yet (the Terraform integration test or `kit up` builds it)\n",
  );
}

if (process.env.KIT_BENCH_PROVIDER_COLD === "1") {
  const cache = mkdtempSync(join(tmpdir(), "kit-bench-provider-"));
  try {
    const script = `import { ensureProviderMirror } from ${JSON.stringify(join(process.cwd(), "kit/src/tools/terraform/mirror.ts"))}; await ensureProviderMirror();`;
    const result = await run(
      "/usr/bin/time",
      [
        "-v",
        "nice",
        "-n",
        "10",
        process.execPath,
        join(process.cwd(), "node_modules/tsx/dist/cli.mjs"),
        "--eval",
        script,
      ],
      { env: { KIT_CACHE_DIR: cache, GOCACHE: join(cache, "gocache") }, timeoutMs: 4 * 60 * 60_000 },
    );
    const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)/.exec(result.stderr)?.[1];
    const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr)?.[1];
    process.stdout.write(
      `terraform-provider-aws cold build (empty Go build cache; modules already downloaded): wall ${wall}, peak RSS of one process ${(Number(rss) / 1024).toFixed(0)} MiB\n`,
    );
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
} else {
  process.stdout.write(
    "(set KIT_BENCH_PROVIDER_COLD=1 to time a full provider build with /usr/bin/time -v)\n",
  );
}
