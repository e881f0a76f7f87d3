/**
 * binary picks the Terraform CLI kit drives: `terraform` or `tofu`, whichever is installed or
 * chosen; when neither is, OpenTofu is built from the Go module proxy (its recipe is in
 * tools/catalog.ts with kit's other Go-built tools).
 */
import { UserError } from "../../errors.ts";
import { which } from "../../exec/index.ts";
import { binDir } from "../../paths.ts";
import { ensureGoTool } from "../catalog.ts";
import type { GoBuildOptions } from "../go-build.ts";

/** TerraformBinarySetting is terraform.binary in kit.config.yaml. */
export type TerraformBinarySetting = "auto" | "terraform" | "tofu";

/** TerraformBinary is the CLI kit will run. */
export interface TerraformBinary {
  path: string;
  flavor: "terraform" | "tofu";
}

/**
 * findTerraformBinary returns the installed terraform or tofu per the setting, or undefined when
 * kit would have to build OpenTofu first.
 */
export async function findTerraformBinary(
  setting: TerraformBinarySetting = "auto",
  env: NodeJS.ProcessEnv = process.env,
): Promise<TerraformBinary | undefined> {
  const extra = [binDir(env)];
  if (setting !== "tofu") {
    const terraform = await which("terraform", extra);
    if (terraform) return { path: terraform, flavor: "terraform" };
    if (setting === "terraform") {
      throw new UserError("terraform.binary is `terraform`, but no terraform is on PATH.", {
        hint: "Install Terraform, or set terraform.binary to auto or tofu in kit.config.yaml (kit then builds OpenTofu).",
      });
    }
  }
  const tofu = await which("tofu", extra);
  return tofu ? { path: tofu, flavor: "tofu" } : undefined;
}

/** resolveTerraformBinary returns terraform or tofu per the setting, building OpenTofu when neither is installed. */
export async function resolveTerraformBinary(
  setting: TerraformBinarySetting = "auto",
  options: GoBuildOptions = {},
): Promise<TerraformBinary> {
  const found = await findTerraformBinary(setting, options.env);
  if (found) return found;
  // Built from the Go module proxy at the pinned release and linked into kit's bin directory.
  const path = await ensureGoTool("tofu", options);
  return { path, flavor: "tofu" };
}

/**
 * assertRunsInSandbox checks that the binary can run in kit's Terraform sandbox, which has only a
 * minimal Debian: a static ELF executable (HashiCorp's releases and kit's own builds are), not a
 * version manager's shell shim or a dynamically linked build.
 */
export async function assertRunsInSandbox(path: string): Promise<void> {
  const { open } = await import("node:fs/promises");
  const file = await open(path, "r");
  try {
    const header = Buffer.alloc(64);
    await file.read(header, 0, 64, 0);
    const isElf64 = header.readUInt32BE(0) === 0x7f454c46 && header[4] === 2 && header[5] === 1;
    if (!isElf64) {
      throw new UserError(
        `${path} is not a Linux executable (a version manager's shim?), so it cannot run in kit's Terraform sandbox.`,
        {
          hint: "Point PATH at the real terraform binary, or set terraform.binary: tofu in kit.config.yaml (kit builds a static OpenTofu).",
        },
      );
    }
    const phoff = Number(header.readBigUInt64LE(32));
    const phentsize = header.readUInt16LE(54);
    const phnum = header.readUInt16LE(56);
    const table = Buffer.alloc(phentsize * phnum);
    await file.read(table, 0, table.length, phoff);
    for (let i = 0; i < phnum; i++) {
      // PT_INTERP (3): the binary needs a dynamic loader and libraries from the host.
      if (table.readUInt32LE(i * phentsize) === 3) {
        throw new UserError(`${path} is dynamically linked, so it cannot run in kit's Terraform sandbox.`, {
          hint: "Use a static build (HashiCorp's release binaries are), or set terraform.binary: tofu in kit.config.yaml (kit builds a static OpenTofu).",
        });
      }
    }
  } finally {
    await file.close();
  }
}
