/**
 * docs/aws-resources.md must list every resource block of terraform/modules under its module's
 * section, and nothing that no longer exists; environments must hold no resources of their own.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { resourceAddresses } from "../support/terraform-source.ts";

const ROOT = resolve(fileURLToPath(new URL("../../..", import.meta.url)));
const TERRAFORM = join(ROOT, "terraform");
const DOC = join(ROOT, "docs", "aws-resources.md");

/** documentedResources maps each `## Module \`m\`` section of the doc to the `type.name` entries in it. */
function documentedResources(markdown: string): Map<string, string[]> {
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of markdown.split("\n")) {
    const heading = /^## Module `([\w-]+)`/.exec(line);
    if (heading?.[1]) {
      current = [];
      sections.set(heading[1], current);
      continue;
    }
    if (line.startsWith("## ")) {
      current = undefined;
      continue;
    }
    const row = /^\|\s*`((?:aws|terraform)_[\w]+\.[\w]+)`/.exec(line);
    if (row?.[1] && current) current.push(row[1]);
  }
  return sections;
}

const modules = readdirSync(join(TERRAFORM, "modules")).sort();
const documented = documentedResources(readFileSync(DOC, "utf8"));

describe("docs/aws-resources.md", () => {
  it("has a section for every module and no section for a module that does not exist", () => {
    expect([...documented.keys()].sort()).toEqual(modules);
  });

  it.each(modules)("lists exactly the resources of module %s", (module) => {
    const code = resourceAddresses(join(TERRAFORM, "modules", module));
    expect(code.length).toBeGreaterThan(0);
    const doc = [...(documented.get(module) ?? [])].sort();
    const missing = code.filter((a) => !doc.includes(a));
    const stale = doc.filter((a) => !code.includes(a));
    expect(missing, `add these to the ${module} section of docs/aws-resources.md`).toEqual([]);
    expect(stale, `remove these from the ${module} section of docs/aws-resources.md`).toEqual([]);
  });

  it("lists each resource once", () => {
    for (const [module, entries] of documented) {
      expect(new Set(entries).size, module).toBe(entries.length);
    }
  });
});

describe("terraform/environments", () => {
  it.each(readdirSync(join(TERRAFORM, "environments")).sort())(
    "%s composes modules and holds no resources",
    (env) => {
      expect(resourceAddresses(join(TERRAFORM, "environments", env))).toEqual([]);
    },
  );
});

describe("the resource parser", () => {
  it("finds resource blocks and ignores data sources, comments and nested blocks", () => {
    const dir = join(ROOT, "kit", "test", "docs", "fixtures");
    expect(resourceAddresses(dir)).toEqual(["aws_s3_bucket.this", "aws_sns_topic.alarms"]);
  });
});
