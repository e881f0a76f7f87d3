/**
 * rules are the guard's checks on one module: backends and remote state, which providers it uses
 * and how the AWS one is configured, provisioners, external data sources, module sources, user
 * override files, and literal access keys. Each returns findings with file:line.
 */

import { checkBackend } from "./backend-rules.ts";
import { isLocalModuleSource, isOverrideFile, type TerraformModule } from "./configuration.ts";
import { type GuardOptions, REAL_KEY } from "./endpoints.ts";
import { CREDENTIAL_ATTRS, finding, type GuardFinding, NETWORK_ATTRS } from "./findings.ts";
import { attr, type HclBlock, literal } from "./hcl.ts";

/** AWS_SOURCES are the addresses of hashicorp/aws (Terraform's and OpenTofu's registries). */
const AWS_SOURCE = /^((registry\.terraform\.io|registry\.opentofu\.org)\/)?hashicorp\/aws$/i;

/**
 * OFFLINE_PROVIDERS never open a connection of their own. Every other provider (awscc, http,
 * external, dns, kubernetes, ...) is refused; none of them is in kit's offline mirror anyway.
 */
const OFFLINE_PROVIDERS = new Set(["random", "null", "time", "tls", "archive", "local", "cloudinit"]);

/** BUILTIN_TYPES are resources and data sources of terraform.io/builtin/terraform. */
const BUILTIN_TYPES = new Set(["terraform_data", "terraform_remote_state"]);

interface ProviderSource {
  source: string;
  block: HclBlock;
  line: number;
}

/** providerSources maps a module's provider local names to their source addresses (from required_providers). */
function providerSources(mod: TerraformModule, findings: GuardFinding[]): Map<string, ProviderSource> {
  const sources = new Map<string, ProviderSource>();
  for (const tf of mod.blocks.filter((b) => b.type === "terraform")) {
    for (const rp of tf.blocks.filter((b) => b.type === "required_providers")) {
      for (const a of rp.attributes) {
        const m = /(?:^|[{,\s])"?source"?\s*[=:]\s*("(?:[^"\\]|\\.)*")/.exec(a.expr);
        // No source (or the old `name = "version"` form) means hashicorp/<name>.
        const source = m ? literal(m[1]) : /\bsource\b/.test(a.expr) ? undefined : `hashicorp/${a.name}`;
        if (source === undefined) {
          findings.push(
            finding(
              "provider-source",
              rp,
              `the source of provider "${a.name}" is not a plain string.`,
              a.line,
            ),
          );
        } else {
          sources.set(a.name, { source, block: rp, line: a.line });
        }
      }
    }
  }
  return sources;
}

/** checkProviders checks which providers a module uses and how it configures hashicorp/aws. */
function checkProviders(mod: TerraformModule, findings: GuardFinding[]): void {
  const sources = providerSources(mod, findings);
  const sourceOf = (name: string): string => sources.get(name)?.source ?? `hashicorp/${name}`;
  const reported = new Set<string>();
  const report = (key: string, f: GuardFinding): void => {
    if (reported.has(key)) return;
    reported.add(key);
    findings.push(f);
  };
  const checkSource = (name: string, block: HclBlock, usedBy: string, line?: number): void => {
    const source = sourceOf(name);
    const isAws = AWS_SOURCE.test(source);
    const offline = /^((registry\.terraform\.io|registry\.opentofu\.org)\/)?hashicorp\/([a-z0-9-]+)$/i.exec(
      source,
    )?.[3];
    if (isAws && name !== "aws") {
      report(
        `name:${name}`,
        finding(
          "provider-source",
          block,
          `hashicorp/aws is used under the local name "${name}" (${usedBy}); kit aims only "aws" at the emulator, so call it aws.`,
          line,
        ),
      );
    } else if (!isAws && name === "aws") {
      report(
        `name:${name}`,
        finding(
          "provider-source",
          block,
          `the local name "aws" is given to ${source}, not hashicorp/aws (${usedBy}).`,
          line,
        ),
      );
    } else if (!isAws && !OFFLINE_PROVIDERS.has(offline?.toLowerCase() ?? "")) {
      report(
        `source:${name}`,
        finding(
          "provider-not-allowed",
          block,
          `provider ${source} (${usedBy}) is not aimed at the emulator; local mode allows hashicorp/aws and offline providers (${[...OFFLINE_PROVIDERS].join(", ")}) only.`,
          line,
        ),
      );
    }
  };
  for (const [name, entry] of sources)
    checkSource(name, entry.block, `required_providers.${name}`, entry.line);
  const walk = (blocks: HclBlock[]): void => {
    for (const block of blocks) {
      if (block.type === "check") walk(block.blocks);
      if (block.type !== "resource" && block.type !== "data") continue;
      const type = block.labels[0] ?? "";
      if (block.type === "data" && (type === "external" || type === "http")) {
        findings.push(
          finding(
            "external-data",
            block,
            `data "${type}" ${type === "external" ? "runs a program" : "fetches a URL"} while Terraform plans.`,
          ),
        );
      }
      if (BUILTIN_TYPES.has(type)) continue;
      const name =
        attr(block, "provider")?.replace(/^"|"$/g, "").split(".")[0]?.trim() || (type.split("_")[0] ?? type);
      checkSource(name, block, `${block.type} "${type}"`);
    }
  };
  walk(mod.blocks);
  for (const block of mod.blocks.filter((b) => b.type === "provider")) {
    const name = block.labels[0] ?? "";
    checkSource(name, block, `provider "${name}"`);
    if (AWS_SOURCE.test(sourceOf(name))) checkAwsProvider(mod, block, findings);
  }
}

function checkAwsProvider(mod: TerraformModule, block: HclBlock, findings: GuardFinding[]): void {
  const aliasExpr = attr(block, "alias");
  const alias = aliasExpr === undefined ? "" : literal(aliasExpr);
  if (alias === undefined) {
    findings.push(
      finding(
        "provider-alias",
        block,
        `the alias ${aliasExpr} is not a plain string; kit cannot tell which configuration it names, so it cannot aim it at the emulator.`,
      ),
    );
  }
  const name = alias ? `aws.${alias}` : "aws";
  if (!mod.root) {
    findings.push(
      finding(
        "module-provider",
        block,
        `provider "${name}" is configured inside module ${mod.dir}; endpoint overrides only apply to the root module, so it would call real AWS.`,
      ),
    );
  }
  for (const a of block.attributes) {
    if (CREDENTIAL_ATTRS.includes(a.name)) {
      findings.push(
        finding(
          "provider-credentials-source",
          block,
          `provider "${name}" sets ${a.name}, which loads real credentials.`,
          a.line,
        ),
      );
    }
    if (NETWORK_ATTRS.includes(a.name)) {
      findings.push(
        finding(
          "provider-network",
          block,
          `provider "${name}" sets ${a.name}, which sends its requests elsewhere.`,
          a.line,
        ),
      );
    }
  }
  for (const inner of block.blocks) {
    if (inner.type === "assume_role_with_web_identity") {
      findings.push(
        finding(
          "provider-credentials-source",
          inner,
          `provider "${name}" uses assume_role_with_web_identity, which exchanges a real identity token.`,
        ),
      );
    }
    if (inner.type === "dynamic") {
      findings.push(
        finding(
          "unreadable",
          inner,
          `provider "${name}" has a dynamic "${inner.labels[0]}" block, which kit cannot check without evaluating it.`,
        ),
      );
    }
  }
}

/** checkModule returns every finding of one module. */
export function checkModule(mod: TerraformModule, options: GuardOptions): GuardFinding[] {
  const findings: GuardFinding[] = [];
  for (const block of mod.blocks) {
    if (isOverrideFile(block.file) && (block.type === "provider" || block.type === "terraform")) {
      findings.push(
        finding(
          "override-file",
          block,
          `an override file sets a ${block.type} block; Terraform merges it over kit's emulator override, so local mode does not allow it.`,
        ),
      );
    }
    if (block.type === "terraform") {
      for (const inner of block.blocks) {
        if (inner.type === "cloud")
          findings.push(
            finding(
              "backend",
              inner,
              "a `cloud` block sends state to HCP Terraform; local mode keeps state local.",
            ),
          );
        if (inner.type === "backend" && !(mod.root && options.replacesBackend))
          checkBackend(inner, options, findings);
      }
    }
    if (block.type === "data" && block.labels[0] === "terraform_remote_state") {
      const backend = literal(attr(block, "backend"));
      if (backend !== "local") {
        findings.push(
          finding(
            "remote-state",
            block,
            `data "terraform_remote_state" "${block.labels[1]}" reads ${backend ?? "non-literal"} state, which can be real AWS.`,
          ),
        );
      }
    }
    if (block.type === "module") {
      const source = literal(attr(block, "source"));
      if (source === undefined) {
        findings.push(
          finding(
            "module-source",
            block,
            `module "${block.labels[0]}" has a source that is not a plain string.`,
          ),
        );
      } else if (!isLocalModuleSource(source)) {
        findings.push(
          finding(
            "module-source",
            block,
            `module "${block.labels[0]}" comes from ${source}; local mode runs with no network, so keep modules in the repository and use a ./ or ../ path.`,
          ),
        );
      }
    }
  }
  const scan = (block: HclBlock): void => {
    if (block.type === "provisioner" || block.type === "connection") {
      findings.push(
        finding(
          "provisioner",
          block,
          `${block.type} "${block.labels[0] ?? ""}" runs commands or connects to other hosts.`,
        ),
      );
    }
    for (const a of block.attributes) {
      if (REAL_KEY.test(a.expr)) {
        findings.push(
          finding(
            "real-access-key",
            block,
            `${a.name} holds what looks like a real AWS access key id (AKIA/ASIA...).`,
            a.line,
          ),
        );
      }
    }
    for (const b of block.blocks) scan(b);
  };
  for (const block of mod.blocks) scan(block);
  checkProviders(mod, findings);
  return findings;
}
