#!/usr/bin/env node
// test runs the whole test suite, every tier, and prints one summary line per stage. It runs all
// stages even when one fails, so one run shows everything that is broken, and exits non-zero when
// any failed. `npm test` runs scripts/bootstrap.mjs first, which installs dependencies and tools.
// Usage: node scripts/test.mjs [stage...]   (stages: lint typecheck unit apps integration)
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cache =
  process.env.KIT_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "kit");
const env = {
  ...process.env,
  // kit's own tools (go, kind, helm, tofu) first, as kit itself does.
  PATH: [join(cache, "bin"), process.env.PATH].join(delimiter),
  npm_config_loglevel: "error",
  npm_config_fund: "false",
  npm_config_audit: "false",
  FORCE_COLOR: process.env.FORCE_COLOR ?? "0",
};
const vitest = [
  join(root, "node_modules", "vitest", "vitest.mjs"),
  "run",
  "--config",
  "kit/vitest.config.ts",
];
const tsx = join(root, "node_modules", "tsx", "dist", "cli.mjs");

const apps = readdirSync(join(root, "apps"), { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== "images")
  .map((d) => join("apps", d.name));

/** Each stage is a list of commands run in order; a stage fails at its first failing command. */
const stages = {
  lint: [["node_modules/.bin/biome", ["check", "."]]],
  typecheck: [["node_modules/.bin/tsc", ["-p", "kit", "--noEmit"]]],
  unit: [[process.execPath, [...vitest, "--project", "unit"]]],
  apps: [
    // kit's own Go programs that run beside the apps (kit dev's devrun supervisor).
    ["go", ["test", "-count=1", "./..."], join("kit", "devrun")],
    ...apps.flatMap((app) => {
      const commands = [];
      if (existsSync(join(root, app, "go.mod"))) commands.push(["go", ["test", "-count=1", "./..."], app]);
      if (existsSync(join(root, app, "package.json"))) {
        // The services an app's tests run against follow from its dependencies: a MongoDB driver
        // gets a database, pg gets PostgreSQL, an AWS SDK client gets kit's AWS emulator.
        const pkg = JSON.parse(readFileSync(join(root, app, "package.json"), "utf8"));
        const deps = Object.keys(pkg.dependencies ?? {});
        const services = [
          ...(deps.includes("mongodb") ? ["--database"] : []),
          ...(deps.includes("pg") ? ["--postgres"] : []),
          ...(deps.some((d) => d.startsWith("@aws-sdk/")) ? ["--aws"] : []),
        ];
        commands.push(["npm", ["ci"], app]);
        commands.push([
          process.execPath,
          [tsx, join(root, "scripts", "with-test-services.ts"), ...services, "--", "npm", "test"],
          app,
        ]);
      }
      if (existsSync(join(root, app, "pyproject.toml"))) {
        // A Python app: its pinned requirements (requirements-dev.txt includes requirements.txt) in
        // a venv of its own under kit's cache, made again when either file changes; an AWS SDK
        // (boto3) gets kit's AWS emulator.
        const hash = createHash("sha256")
          .update(readFileSync(join(root, app, "requirements.txt"), "utf8"))
          .update(readFileSync(join(root, app, "requirements-dev.txt"), "utf8"))
          .digest("hex")
          .slice(0, 12);
        const venv = join(cache, "venvs", `${app.split("/").pop()}-${hash}`);
        const install = `[ -f '${venv}/.kit-complete' ] || { rm -rf '${venv}' && python3 -m venv '${venv}' && '${venv}/bin/pip' install --quiet -r requirements-dev.txt && touch '${venv}/.kit-complete'; }`;
        commands.push(["sh", ["-c", install], app]);
        const services = /^boto3\b/m.test(readFileSync(join(root, app, "requirements.txt"), "utf8"))
          ? ["--aws"]
          : [];
        commands.push([
          process.execPath,
          [
            tsx,
            join(root, "scripts", "with-test-services.ts"),
            ...services,
            "--",
            join(venv, "bin", "python"),
            "-m",
            "pytest",
          ],
          app,
        ]);
      }
      return commands;
    }),
  ],
  integration: [[process.execPath, [...vitest, "--project", "integration"]]],
};

const requested = process.argv.slice(2);
for (const name of requested) {
  if (!(name in stages)) {
    process.stderr.write(`unknown stage "${name}"; stages are: ${Object.keys(stages).join(", ")}\n`);
    process.exit(2);
  }
}
const results = [];
for (const [name, commands] of Object.entries(stages)) {
  if (requested.length > 0 && !requested.includes(name)) continue;
  const started = Date.now();
  let ok = true;
  for (const [file, args, cwd = "."] of commands) {
    process.stdout.write(
      `\n=== ${name}: ${[file, ...args].join(" ")}${cwd === "." ? "" : `  (in ${cwd})`}\n`,
    );
    const result = spawnSync(file, args, { cwd: join(root, cwd), stdio: "inherit", env });
    if (result.error || result.status !== 0) {
      process.stdout.write(
        `=== ${name}: FAILED (${result.error ? result.error.message : `exit ${result.status}`})\n`,
      );
      ok = false;
      break;
    }
  }
  results.push({ name, ok, seconds: Math.round((Date.now() - started) / 1000) });
}

process.stdout.write("\n=== summary\n");
for (const r of results)
  process.stdout.write(`${r.ok ? "PASS" : "FAIL"}  ${r.name.padEnd(12)} ${r.seconds}s\n`);
const failed = results.filter((r) => !r.ok);
process.stdout.write(`${results.length - failed.length} stages passed, ${failed.length} failed\n`);
process.exit(failed.length === 0 ? 0 : 1);
