/**
 * docs/data-api.md maps seed 003's AWS side to what kit runs locally. It must stay true: every
 * resource type of modules ecs-service and dynamodb is in its first table, and every environment
 * variable the ECS task (environments/dev/data_api.tf) or kit's container (kit.config.yaml) sets is
 * in its second, and nothing that neither sets.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { resourceTypes } from "../support/terraform-source.ts";

const ROOT = resolve(fileURLToPath(new URL("../../..", import.meta.url)));
const doc = readFileSync(join(ROOT, "docs", "data-api.md"), "utf8");

/** section returns the lines of the doc from the heading to the next heading of the same level. */
function section(heading: string): string[] {
  const lines = doc.split("\n");
  const start = lines.indexOf(heading);
  if (start < 0) throw new Error(`docs/data-api.md lacks the heading ${JSON.stringify(heading)}`);
  const end = lines.findIndex((l, i) => i > start && l.startsWith("## "));
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

/** tables splits lines into their tables, each the first cells of its body rows. */
function tables(lines: string[]): string[][] {
  const found: string[][] = [];
  let current: string[] | undefined;
  for (const line of lines) {
    if (!line.startsWith("|")) {
      current = undefined;
      continue;
    }
    if (!current) {
      current = [];
      found.push(current);
      continue; // the header row
    }
    if (!line.startsWith("|---")) current.push(line.split("|")[1]?.trim() ?? "");
  }
  return found;
}

const backticked = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? "");

const moduleResourceTypes = (module: string): string[] =>
  resourceTypes(join(ROOT, "terraform", "modules", module));

/** taskEnvironment returns the keys of the data_api module's `environment = { … }` in data_api.tf. */
function taskEnvironment(): string[] {
  const tf = readFileSync(join(ROOT, "terraform", "environments", "dev", "data_api.tf"), "utf8");
  const block = /\n {2}environment = \{\n([\s\S]*?)\n {2}\}/.exec(tf)?.[1];
  if (!block) throw new Error("environments/dev/data_api.tf: no `environment = { … }` in module data_api");
  return [...block.matchAll(/^\s+(\w+)\s*=/gm)].map((m) => m[1] ?? "");
}

function containerEnvironment(): string[] {
  const config = parse(readFileSync(join(ROOT, "kit.config.yaml"), "utf8")) as {
    containers?: Record<string, { env?: Record<string, unknown> }>;
  };
  return Object.keys(config.containers?.["data-api"]?.env ?? {});
}

describe("docs/data-api.md", () => {
  it("maps every resource type of modules ecs-service (with its dns-failover) and dynamodb to its local stand-in", () => {
    const rows = (tables(section("## What runs where"))[0] ?? []).flatMap(backticked);
    const types = [
      ...new Set([
        ...moduleResourceTypes("ecs-service"),
        ...moduleResourceTypes("dns-failover"),
        ...moduleResourceTypes("dynamodb"),
      ]),
    ].sort();
    expect(types.length).toBeGreaterThan(10);
    expect(types.filter((t) => !rows.includes(t))).toEqual([]);
    expect(rows.filter((r) => !types.includes(r))).toEqual([]);
  });

  it("names every variable the ECS task or kit's container sets, and no other", () => {
    const documented = (tables(section("## What runs where"))[1] ?? []).flatMap(backticked).sort();
    const task = taskEnvironment();
    const container = containerEnvironment();
    expect(task).toContain("DYNAMODB_TABLE");
    expect(container).toContain("AWS_ENDPOINT_URL");
    expect(documented).toEqual([...new Set([...task, ...container])].sort());
  });
});
