#!/usr/bin/env node
// bootstrap makes a fresh clone ready, using only Node's built-ins: it checks the Node version,
// installs the npm dependencies when the lock file changed, and lets `kit doctor --fix` install
// the toolchain (Docker engine, Go, kind, helm, terraform or tofu, debootstrap, ...).
// Usage: node scripts/bootstrap.mjs [up|test]
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const MIN_NODE = [20, 19, 0];

function fail(message, hint) {
  process.stderr.write(`bootstrap: ${message}\n${hint ? `hint: ${hint}\n` : ""}`);
  process.exit(2);
}

const [major, minor, patch] = process.versions.node.split(".").map(Number);
const tooOld =
  major < MIN_NODE[0] ||
  (major === MIN_NODE[0] && (minor < MIN_NODE[1] || (minor === MIN_NODE[1] && patch < MIN_NODE[2])));
if (tooOld)
  fail(
    `Node ${process.versions.node} is too old; kit needs ${MIN_NODE.join(".")} or newer (20, 22 and 24 are tested).`,
    "Install a current Node LTS.",
  );

function step(title, file, args, options = {}) {
  process.stdout.write(`bootstrap: ${title}\n`);
  const result = spawnSync(file, args, {
    cwd: root,
    stdio: "inherit",
    env: {
      ...process.env,
      npm_config_loglevel: process.env.npm_config_loglevel ?? "error",
      npm_config_fund: "false",
      npm_config_audit: "false",
    },
    ...options,
  });
  if (result.error) fail(`${file} could not be started: ${result.error.message}`);
  if (result.status !== 0)
    fail(`${[file, ...args].join(" ")} exited with code ${result.status}`, "The output above says why.");
}

// npm ci only when package-lock.json differs from what was last installed.
const stampDir = join(root, "node_modules");
const stamp = join(stampDir, ".kit-lock-hash");
const lockHash = createHash("sha256")
  .update(readFileSync(join(root, "package-lock.json")))
  .digest("hex");
if (!existsSync(stamp) || readFileSync(stamp, "utf8") !== lockHash) {
  step("installing npm dependencies (npm ci)", "npm", ["ci"]);
  mkdirSync(stampDir, { recursive: true });
  writeFileSync(stamp, lockHash);
}

// `kit up` installs missing tools itself as its first steps; the test suite needs them up front.
const mode = process.argv[2] ?? "test";
if (mode === "test")
  step("installing the toolchain (kit doctor --fix)", process.execPath, [
    join(root, "kit", "bin", "kit.js"),
    "--plain",
    "doctor",
    "--fix",
  ]);
