/**
 * binary picks the Terraform CLI kit drives: `terraform` or `tofu`, whichever is installed or
 * chosen; when neither is, OpenTofu is built from the Go module proxy (it needs one replace
 * directive, for OpenTofu's fork of hashicorp/hcl).
 */

import { existsSync } from "node:fs";
import { mkdir, rename, symlink, unlink } from "node:fs/promises";
import { join } from "node:path";
import { UserError } from "../../errors.ts";
import { which } from "../../exec/index.ts";
import { binDir } from "../../paths.ts";
import { buildGoProgram, type GoBuildOptions, type GoBuildSpec } from "../go-build.ts";
import { OPENTOFU_PIN } from "./versions.ts";

/** TerraformBinarySetting is terraform.binary in kit.config.yaml. */
export type TerraformBinarySetting = "auto" | "terraform" | "tofu";

/** TerraformBinary is the CLI kit will run. */
export interface TerraformBinary {
  path: string;
  flavor: "terraform" | "tofu";
}

/** opentofuSpec is the Go build of OpenTofu's CLI at the pinned release. */
export function opentofuSpec(pin: typeof OPENTOFU_PIN = OPENTOFU_PIN): GoBuildSpec {
  return {
    name: "tofu",
    module: pin.module,
    version: pin.version,
    packages: [{ importPath: `${pin.module}/cmd/tofu`, binary: "tofu" }],
    replaces: {
      "github.com/hashicorp/hcl/v2": "github.com/opentofu/hcl/v2@v2.20.2-0.20250121132637-504036cd70e7",
    },
    ldflags: [`-X ${pin.module}/version.dev=no`],
  };
}

/** resolveTerraformBinary returns terraform or tofu per the setting, building OpenTofu when neither is installed. */
export async function resolveTerraformBinary(
  setting: TerraformBinarySetting = "auto",
  options: GoBuildOptions = {},
): Promise<TerraformBinary> {
  const extra = [binDir(options.env)];
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
  if (tofu) return { path: tofu, flavor: "tofu" };
  const { binaries } = await buildGoProgram(opentofuSpec(), options);
  const built = binaries.tofu;
  if (!built) throw new Error("the OpenTofu build produced no tofu binary");
  const bin = binDir(options.env);
  await mkdir(bin, { recursive: true });
  const link = join(bin, "tofu");
  const tmp = `${link}.tmp-${process.pid}`;
  if (existsSync(tmp)) await unlink(tmp);
  await symlink(built, tmp);
  await rename(tmp, link);
  return { path: link, flavor: "tofu" };
}
