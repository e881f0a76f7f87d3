#!/usr/bin/env node
// deploy-apps (./deploy-apps at the repository root runs it) builds one or more apps and deploys
// them to the local environment:
//
//   ./deploy-apps go-app node-app
//
// It is `kit up --only go-app,node-app` after the same bootstrap as `npm run up`: each app's image
// is built with its dependencies inside (apps/<app>/Dockerfile), pushed to the local registry, and
// rolled out with `helm upgrade --install --wait` on the chart that keeps open connections alive
// (readiness probe, preStop drain, maxUnavailable 0). The cluster, emulator, database and Terraform
// are brought up or reused as `kit up` does. `kit rollout <app>` proves no connection is dropped.
// Flags before the apps go to kit (--plain, --json, --verbose, --env local).
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const kitFlags = [];
const upFlags = [];
const apps = [];
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (arg === "-h" || arg === "--help") {
    process.stdout.write("usage: ./deploy-apps [--plain|--json|--verbose] [--env local] app [app ...]\n");
    process.exit(0);
  }
  if (arg === "--env") upFlags.push(arg, args[++i] ?? "");
  else if (arg.startsWith("-")) kitFlags.push(arg);
  else apps.push(...arg.split(",").filter(Boolean));
}
if (apps.length === 0) {
  process.stderr.write(
    "deploy-apps: name at least one app, e.g. ./deploy-apps go-app node-app\nhint: the apps are listed under `apps:` in kit.config.yaml.\n",
  );
  process.exit(2);
}

function run(file, argv) {
  const result = spawnSync(file, argv, { cwd: root, stdio: "inherit" });
  if (result.error) {
    process.stderr.write(`deploy-apps: ${file} could not be started: ${result.error.message}\n`);
    process.exit(1);
  }
  return result.status ?? 1;
}

const bootstrap = run(process.execPath, [join(root, "scripts", "bootstrap.mjs"), "up"]);
if (bootstrap !== 0) process.exit(bootstrap);
process.exit(
  run(process.execPath, [
    join(root, "kit", "bin", "kit.js"),
    ...kitFlags,
    "up",
    ...upFlags,
    "--only",
    apps.join(","),
  ]),
);
