import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeFileAtomic, writeJsonAtomic } from "./atomic-file.ts";

describe("writeFileAtomic", () => {
  it("creates the folder, replaces the file, and leaves no temporary beside it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kit-atomic-"));
    const file = join(dir, "a", "b", "record.json");
    await writeJsonAtomic(file, { n: 1 });
    await writeJsonAtomic(file, { n: 2 });
    expect(readFileSync(file, "utf8")).toBe('{\n  "n": 2\n}\n');
    await writeJsonAtomic(file, { n: 3 }, { compact: true });
    expect(readFileSync(file, "utf8")).toBe('{"n":3}\n');
    expect(readdirSync(join(dir, "a", "b"))).toEqual(["record.json"]);
  });

  it("keeps concurrent writers of one file apart: the file ends as one of them, whole", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kit-atomic-"));
    const file = join(dir, "memo.json");
    const values = Array.from({ length: 20 }, (_, i) => ({ i, pad: "x".repeat(10_000) }));
    await Promise.all(values.map((v) => writeJsonAtomic(file, v)));
    const written = JSON.parse(readFileSync(file, "utf8")) as { i: number };
    expect(values.map((v) => v.i)).toContain(written.i);
    expect(readdirSync(dir)).toEqual(["memo.json"]);
  });

  it("sets the mode, and a failed write leaves no temporary", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kit-atomic-"));
    const file = join(dir, "kubeconfig");
    await writeFileAtomic(file, "secret", { mode: 0o600 });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // A folder where the file should go makes the rename fail.
    const blocked = join(dir, "blocked");
    mkdirSync(join(blocked, "inside"), { recursive: true });
    await expect(writeFileAtomic(blocked, "new")).rejects.toThrow();
    expect(readdirSync(dir).sort()).toEqual(["blocked", "kubeconfig"]);
  });
});
