/**
 * configuration reads every file Terraform or OpenTofu reads for a root module: its `.tf`,
 * `.tf.json`, `.tofu` and `.tofu.json` files (override files included), the variable files loaded
 * automatically (`terraform.tfvars`, `*.auto.tfvars`, and their `.json` forms) and those given
 * explicitly, every local child module, and every module `init` installed wherever TF_DATA_DIR
 * puts them. A file it cannot read or parse and a module it cannot find are findings, so the
 * guard refuses what it has not seen.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import type { GuardFinding } from "./findings.ts";
import { attr, type HclAttribute, type HclBlock, HclParseError, literal, parseHclBody } from "./hcl.ts";
import { parseTfJsonBody, parseTfvarsJson } from "./tfjson.ts";

/** TerraformModule is the parsed configuration of one module directory. */
export interface TerraformModule {
  dir: string;
  root: boolean;
  blocks: HclBlock[];
}

/** VariableFile is one variable-definitions file Terraform loads for the root module. */
export interface VariableFile {
  file: string;
  attributes: HclAttribute[];
}

/** LoadedConfiguration is everything Terraform would read, and what could not be read. */
export interface LoadedConfiguration {
  modules: TerraformModule[];
  variableFiles: VariableFile[];
  findings: GuardFinding[];
}

/** LoadOptions say where installed modules are and which extra variable files Terraform gets. */
export interface LoadOptions {
  /** TF_DATA_DIR on this host (default <root>/.terraform): installed modules are under its modules/. */
  dataDir?: string;
  /** The same folder as Terraform names it when it runs in the sandbox (module paths in the manifest use it). */
  sandboxDataDir?: string;
  /** -var-file arguments, relative to the root module. */
  varFiles?: string[];
}

const CONFIG_EXTENSIONS = [".tf", ".tf.json", ".tofu", ".tofu.json"];

/** configExtension returns the configuration extension of a file name, or undefined. */
function configExtension(name: string): string | undefined {
  return CONFIG_EXTENSIONS.find((ext) => name.endsWith(ext) && name.length > ext.length);
}

/** isIgnoredFile is Terraform's rule for editor and hidden files it never reads. */
export function isIgnoredFile(name: string): boolean {
  return name.startsWith(".") || name.endsWith("~") || (name.startsWith("#") && name.endsWith("#"));
}

/** isOverrideFile says whether Terraform merges a file as an override (override.tf, *_override.tf, ...). */
export function isOverrideFile(path: string): boolean {
  const name = path.split("/").pop() ?? path;
  const ext = configExtension(name);
  if (!ext) return false;
  const base = name.slice(0, -ext.length);
  return base === "override" || base.endsWith("_override");
}

/** isAutoVariableFile says whether Terraform loads a root-module file as variable values by itself. */
export function isAutoVariableFile(name: string): boolean {
  return (
    name === "terraform.tfvars" ||
    name === "terraform.tfvars.json" ||
    name.endsWith(".auto.tfvars") ||
    name.endsWith(".auto.tfvars.json")
  );
}

function unreadable(file: string, err: unknown): GuardFinding {
  if (err instanceof HclParseError) {
    return {
      rule: "unreadable",
      where: `${err.file}:${err.line}`,
      message: `kit cannot parse this file (${err.message.slice(err.message.indexOf(": ") + 2)}), so it cannot check it.`,
    };
  }
  return { rule: "unreadable", where: file, message: `kit cannot read this file: ${(err as Error).message}` };
}

/** readModuleFiles parses every configuration file of one directory; unreadable files become findings. */
export function readModuleFiles(dir: string): { blocks: HclBlock[]; findings: GuardFinding[] } {
  const blocks: HclBlock[] = [];
  const findings: GuardFinding[] = [];
  const names = readdirSync(dir)
    .filter((f) => configExtension(f) && !isIgnoredFile(f))
    .sort();
  for (const name of names) {
    const file = join(dir, name);
    try {
      if (!statSync(file).isFile()) continue;
      const text = readFileSync(file, "utf8");
      const body = name.endsWith(".json") ? parseTfJsonBody(text, file) : parseHclBody(text, file);
      for (const a of body.attributes) {
        findings.push({
          rule: "unreadable",
          where: `${file}:${a.line}`,
          message: `an argument (${a.name}) outside any block is not Terraform configuration.`,
        });
      }
      blocks.push(...body.blocks);
    } catch (err) {
      findings.push(unreadable(file, err));
    }
  }
  return { blocks, findings };
}

function readVariableFile(file: string): { attributes: HclAttribute[]; finding?: GuardFinding } {
  try {
    const text = readFileSync(file, "utf8");
    if (file.endsWith(".json")) return { attributes: parseTfvarsJson(text, file) };
    const body = parseHclBody(text, file);
    const block = body.blocks[0];
    if (block) {
      return {
        attributes: body.attributes,
        finding: {
          rule: "unreadable",
          where: `${file}:${block.line}`,
          message: "a variable file holds only `name = value` lines, not blocks.",
        },
      };
    }
    return { attributes: body.attributes };
  } catch (err) {
    return { attributes: [], finding: unreadable(file, err) };
  }
}

/** isLocalModuleSource says whether a module source is a path on disk (./ or ../). */
export function isLocalModuleSource(source: string): boolean {
  return source.startsWith("./") || source.startsWith("../");
}

/** loadConfiguration reads the root module at rootDir and everything it pulls in. */
export function loadConfiguration(rootDir: string, options: LoadOptions = {}): LoadedConfiguration {
  const modules: TerraformModule[] = [];
  const findings: GuardFinding[] = [];
  const seen = new Set<string>();
  const visit = (dir: string, root: boolean, from?: string): void => {
    const abs = resolve(dir);
    if (seen.has(abs)) return;
    seen.add(abs);
    if (!existsSync(abs) || !statSync(abs).isDirectory()) {
      findings.push({
        rule: "module-unresolved",
        where: from ?? abs,
        message: `the module folder ${abs} does not exist, so kit cannot check it.`,
      });
      return;
    }
    const read = readModuleFiles(abs);
    findings.push(...read.findings);
    modules.push({ dir: abs, root, blocks: read.blocks });
    for (const block of read.blocks.filter((b) => b.type === "module")) {
      const source = literal(attr(block, "source"));
      if (source && isLocalModuleSource(source))
        visit(join(abs, source), false, `${block.file}:${block.line}`);
    }
  };
  visit(rootDir, true);
  const root = resolve(rootDir);

  const dataDir = options.dataDir ? resolve(options.dataDir) : join(root, ".terraform");
  const manifest = join(dataDir, "modules", "modules.json");
  if (existsSync(manifest)) {
    try {
      const parsed = JSON.parse(readFileSync(manifest, "utf8")) as {
        Modules?: { Key?: string; Dir?: string }[];
      };
      for (const m of parsed.Modules ?? []) {
        if (!m.Dir || m.Key === "") continue;
        visit(installedModuleDir(m.Dir, root, dataDir, options.sandboxDataDir), false, manifest);
      }
    } catch (err) {
      findings.push(unreadable(manifest, err));
    }
  }

  const variableFiles: VariableFile[] = [];
  const auto = existsSync(root) ? readdirSync(root).filter(isAutoVariableFile).sort() : [];
  for (const file of [...auto, ...(options.varFiles ?? [])].map((f) => resolve(root, f))) {
    const read = readVariableFile(file);
    variableFiles.push({ file, attributes: read.attributes });
    if (read.finding) findings.push(read.finding);
  }
  return { modules, variableFiles, findings };
}

/** installedModuleDir maps a module folder named in modules.json (possibly a sandbox path) to this host. */
function installedModuleDir(dir: string, root: string, dataDir: string, sandboxDataDir?: string): string {
  if (sandboxDataDir && (dir === sandboxDataDir || dir.startsWith(`${sandboxDataDir}/`))) {
    return join(dataDir, relative(sandboxDataDir, dir));
  }
  return isAbsolute(dir) ? dir : join(root, dir);
}
