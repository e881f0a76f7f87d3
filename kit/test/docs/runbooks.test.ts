/**
 * Every alarm links the section of docs/runbooks.md that says what to do: each `runbooks.md#anchor`
 * in the Terraform environments must be the GitHub anchor of one of its headings.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = resolve(fileURLToPath(new URL("../../..", import.meta.url)));

/** githubAnchor is the id GitHub gives a Markdown heading. */
function githubAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, "")
    .replaceAll(" ", "-");
}

const anchors = new Set(
  readFileSync(join(ROOT, "docs", "runbooks.md"), "utf8")
    .split("\n")
    .filter((l) => /^#{2,3} /.test(l))
    .map((l) => githubAnchor(l.replace(/^#+ /, ""))),
);

describe("runbook links of the alarms", () => {
  it("computes GitHub's anchors", () => {
    expect(githubAnchor("Node not Ready (alarm `eks-failed-nodes`)")).toBe(
      "node-not-ready-alarm-eks-failed-nodes",
    );
  });

  it("point at headings that exist in docs/runbooks.md", () => {
    const used: string[] = [];
    for (const env of ["dev", "prod"]) {
      const dir = join(ROOT, "terraform", "environments", env);
      for (const file of readdirSync(dir).filter((f) => f.endsWith(".tf"))) {
        for (const m of readFileSync(join(dir, file), "utf8").matchAll(
          /runbooks\.md#([a-z0-9_-]+)|\{local\.runbooks\}#([a-z0-9_-]+)/g,
        ))
          used.push(m[1] ?? m[2] ?? "");
      }
    }
    expect(used.length).toBeGreaterThan(10);
    expect([...new Set(used)].filter((a) => !anchors.has(a))).toEqual([]);
  });
});
