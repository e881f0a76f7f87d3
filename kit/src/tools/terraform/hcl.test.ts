import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { attr, type HclBlock, literal, parseHcl, parseHclBody } from "./hcl.ts";
import { parseJsonNodes, parseTfJson, parseTfvarsJson } from "./tfjson.ts";

const testdata = fileURLToPath(new URL("./testdata/", import.meta.url));
const shape = (blocks: HclBlock[]) => blocks.map((b) => [b.type, ...b.labels]);

describe("parseHcl", () => {
  it("reads blocks, labels, attributes, and skips braces in strings, heredocs and comments", () => {
    const blocks = parseHcl(readFileSync(join(testdata, "allowed", "aliases", "main.tf"), "utf8"), "main.tf");
    expect(shape(blocks)).toEqual([
      ["provider", "aws"],
      ["provider", "aws"],
      ["data", "terraform_remote_state", "network"],
      ["resource", "aws_s3_bucket", "west"],
    ]);
    expect(literal(attr(blocks[1] as HclBlock, "alias"))).toBe("west");
    expect(attr(blocks[3] as HclBlock, "bucket")).toBe(`"kit-$\{"west"}-bucket"`);
  });
  it("treats $${ and %%{ as text, and follows braces, strings and comments inside interpolations", () => {
    const text = [
      'locals { a = "$${$${" # "',
      "}",
      'provider "aws" {',
      '  alias = "x"',
      "}",
      `locals { b = "$\{ {k = "}"}["k"] }$\{ 1 /* " */ }" }`,
      'locals { c = "%%{ if" }',
    ].join("\n");
    expect(shape(parseHcl(text, "t.tf"))).toEqual([["locals"], ["provider", "aws"], ["locals"], ["locals"]]);
  });
  it("ends a heredoc only at its marker outside interpolations", () => {
    const text = ["locals {", "  h = <<EOT", "${", "EOT", "}", "EOT", '  after = "y"', "}"].join("\n");
    const [locals] = parseHcl(text, "h.tf");
    expect(locals?.attributes.map((a) => a.name)).toEqual(["h", "after"]);
  });
  it("reports where it lost track", () => {
    expect(() => parseHcl('provider "aws" {\n  region = "x"\n', "bad.tf")).toThrow(
      /bad\.tf:\d+: missing closing }/,
    );
    expect(() => parseHcl('provider "aws" {\n  region = "x\n}\n', "bad.tf")).toThrow(
      /bad\.tf:2: unterminated string/,
    );
    expect(() => parseHcl(`provider "a$\{"w"}s" {}\n`, "bad.tf")).toThrow(/block label cannot be a template/);
  });
  it("reads variable files as top-level attributes", () => {
    const body = parseHclBody('region = "eu-west-1"\ntags = {\n  a = "b"\n}\n', "x.tfvars");
    expect(body.attributes.map((a) => [a.name, a.line])).toEqual([
      ["region", 1],
      ["tags", 2],
    ]);
  });
  it("literal takes plain strings only", () => {
    expect(literal('"west"')).toBe("west");
    expect(literal('"a\\"b"')).toBe('a"b');
    expect(literal(`"pr$\{"o"}d"`)).toBeUndefined();
    expect(literal("var.alias")).toBeUndefined();
    expect(literal('"100%"')).toBe("100%");
  });
});

describe("tfjson", () => {
  it("keeps duplicate keys and their lines, which JSON.parse drops", () => {
    const text = '{\n "provider": {"aws": {"alias": "a"}},\n "provider": {"aws": {"profile": "p"}}\n}';
    const blocks = parseTfJson(text, "x.tf.json");
    expect(blocks.map((b) => [b.type, ...b.labels, b.line, b.attributes.map((a) => a.name).join()])).toEqual([
      ["provider", "aws", 2, "alias"],
      ["provider", "aws", 3, "profile"],
    ]);
  });
  it("maps nested blocks, labels and provisioners onto the same shape", () => {
    const text = JSON.stringify({
      terraform: { backend: { s3: { bucket: "b" } } },
      provider: { aws: [{ alias: "x" }, {}] },
      resource: { terraform_data: { p: { provisioner: [{ "local-exec": { command: "x" } }] } } },
    });
    const blocks = parseTfJson(text, "x.tf.json");
    expect(shape(blocks)).toEqual([
      ["terraform"],
      ["provider", "aws"],
      ["provider", "aws"],
      ["resource", "terraform_data", "p"],
    ]);
    expect(blocks[0]?.blocks[0]).toMatchObject({ type: "backend", labels: ["s3"] });
    expect(blocks[3]?.blocks[0]).toMatchObject({ type: "provisioner", labels: ["local-exec"] });
  });
  it("refuses a duplicate argument and bad JSON with a line", () => {
    expect(() => parseTfJson('{"provider": {"aws": {"alias": "a",\n "alias": "b"}}}', "d.tf.json")).toThrow(
      /d\.tf\.json:2: duplicate argument "alias"/,
    );
    expect(() => parseJsonNodes('{\n "a": tru }', "b.json")).toThrow(/b\.json:2: invalid JSON/);
    expect(parseTfvarsJson('{"a": "x",\n "b": [1]}', "v.json").map((a) => [a.name, a.expr, a.line])).toEqual([
      ["a", '"x"', 1],
      ["b", "[1]", 2],
    ]);
  });
});
