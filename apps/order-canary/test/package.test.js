// The committed package (order-canary.zip, what dev and prod apply) must be exactly what package.py
// makes from src/ now: a change to the script without `npm run package` fails here.
"use strict";

const assert = require("node:assert/strict");
const { spawnSync } = require("node:child_process");
const { mkdtempSync, readFileSync, rmSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");
const { it } = require("node:test");

it("order-canary.zip is what package.py makes from src/ (run `npm run package` after a change)", () => {
  const dir = mkdtempSync(join(tmpdir(), "order-canary-"));
  try {
    const fresh = join(dir, "order-canary.zip");
    const made = spawnSync("python3", [join(__dirname, "..", "package.py"), fresh], { encoding: "utf8" });
    assert.equal(made.status, 0, made.stderr);
    assert.ok(
      readFileSync(fresh).equals(readFileSync(join(__dirname, "..", "order-canary.zip"))),
      "apps/order-canary/order-canary.zip is stale: run `npm run package` in apps/order-canary and commit it",
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
