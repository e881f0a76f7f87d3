import { describe, expect, it } from "vitest";
import type { LoadedConfiguration } from "./configuration.ts";
import { GAPS_FILE, renderGapOverrides } from "./emulator-gaps.ts";
import { parseHcl } from "./hcl.ts";

const mod = (dir: string, text: string, root = false) => ({
  dir,
  root,
  blocks: parseHcl(text, `${dir}/main.tf`),
});

const config: LoadedConfiguration = {
  modules: [
    mod("/cfg/environments/testapp", 'module "stack" {\n  source = "../../modules/stack"\n}\n', true),
    mod(
      "/cfg/modules/stack",
      [
        'resource "aws_autoscaling_policy" "cpu" {\n  name = "x"\n}',
        'resource "aws_db_instance" "mysql" {\n  count = 1\n  lifecycle {\n    ignore_changes = [password, tags]\n  }\n}',
        'resource "aws_launch_template" "lt" {\n  lifecycle {\n    ignore_changes = all\n  }\n}',
        'resource "aws_s3_bucket" "b" {}',
        'resource "aws_instance" "host" {\n  monitoring = true\n}',
      ].join("\n"),
    ),
    mod("/elsewhere/.terraform/modules/remote", 'resource "aws_autoscaling_policy" "p" {}\n'),
  ],
  variableFiles: [],
  findings: [],
};

describe("renderGapOverrides", () => {
  const files = renderGapOverrides(config, "/cfg/environments/testapp", "/cfg");

  it("writes one override beside each module of the configuration that has a resource with a known gap", () => {
    expect(Object.keys(files)).toEqual([`../../modules/stack/${GAPS_FILE}`]);
  });

  it("ignores the gap's attributes, keeping what the resource already ignores, and leaves ignore_changes = all alone", () => {
    const blocks = parseHcl(files[`../../modules/stack/${GAPS_FILE}`] ?? "", GAPS_FILE);
    const ignored = Object.fromEntries(
      blocks.map((b) => [
        b.labels.join("."),
        b.blocks[0]?.attributes.find((a) => a.name === "ignore_changes")?.expr,
      ]),
    );
    expect(ignored).toEqual({
      "aws_autoscaling_policy.cpu": "[enabled, predictive_scaling_configuration]",
      "aws_db_instance.mysql": "[password, tags, performance_insights_enabled]",
      "aws_instance.host": "[associate_public_ip_address, vpc_security_group_ids]",
    });
  });

  it("sets what the emulator cannot carry out (an instance's detailed monitoring) to what it can", () => {
    const blocks = parseHcl(files[`../../modules/stack/${GAPS_FILE}`] ?? "", GAPS_FILE);
    const host = blocks.find((b) => b.labels.join(".") === "aws_instance.host");
    expect(host?.attributes.map((a) => [a.name, a.expr])).toEqual([["monitoring", "false"]]);
    expect(host?.blocks.map((b) => b.type)).toEqual(["lifecycle"]);
  });

  it("writes nothing for a configuration without such resources", () => {
    const plain: LoadedConfiguration = {
      modules: [mod("/cfg/env", 'resource "aws_s3_bucket" "b" {}\n', true)],
      variableFiles: [],
      findings: [],
    };
    expect(renderGapOverrides(plain, "/cfg/env", "/cfg")).toEqual({});
  });
});
