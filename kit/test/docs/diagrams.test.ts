/**
 * The architecture pictures cannot go stale: each docs/diagrams/*.dot renders to exactly the SVG
 * checked in beside it, and each is shown by a document.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { diagramFiles, renderDiagram } from "../../../scripts/diagrams-render.ts";

const ROOT = resolve(fileURLToPath(new URL("../../..", import.meta.url)));
const DIR = join(ROOT, "docs", "diagrams");
const files = diagramFiles(DIR);

describe("docs/diagrams", () => {
  it("has a picture of each system: the EKS apps, seed 003 on ECS, seed 004 on Lambda, seed 002 on EC2, and kit's local environment", () => {
    expect(files.map((f) => relative(DIR, f.source))).toEqual([
      "data-api-ecs.dot",
      "eks-apps.dot",
      "kit-local.dot",
      "pmp-api.dot",
      "testapp.dot",
    ]);
  });

  it.each(files.map((f) => [relative(ROOT, f.svg), f] as const))(
    "%s is what its source renders to (run `npm run diagrams` after editing a .dot)",
    async (_name, file) => {
      expect(existsSync(file.svg), `${file.svg} is missing: run npm run diagrams`).toBe(true);
      const rendered = await renderDiagram(readFileSync(file.source, "utf8"));
      expect(readFileSync(file.svg, "utf8") === rendered, `${file.svg} is stale: run npm run diagrams`).toBe(
        true,
      );
    },
  );

  it("shows each picture in a document", () => {
    const docs = [
      join(ROOT, "README.md"),
      ...readdirSync(join(ROOT, "docs"))
        .filter((f) => f.endsWith(".md"))
        .map((f) => join(ROOT, "docs", f)),
    ];
    const text = docs.map((d) => readFileSync(d, "utf8")).join("\n");
    for (const file of files)
      expect(text, relative(ROOT, file.svg)).toContain(`diagrams/${relative(DIR, file.svg)}`);
  });
});
