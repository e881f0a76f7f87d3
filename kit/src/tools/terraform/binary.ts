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
  // Built from the Go module proxy at the pinned release and linked into kit's bin directory.
  const path = await ensureGoTool("tofu", options);
  return { path, flavor: "tofu" };
}
