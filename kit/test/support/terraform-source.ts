/**
 * terraform-source reads Terraform source as the doc tests need it: the `resource` blocks of a
 * folder's .tf files (not its subfolders), as `type.name` addresses.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** resourceAddresses returns `type.name` of every `resource "type" "name"` block in dir's .tf files, sorted. */
export function resourceAddresses(dir: string): string[] {
  const addresses: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".tf"))) {
    for (const match of readFileSync(join(dir, file), "utf8").matchAll(
      /^resource\s+"([\w-]+)"\s+"([\w-]+)"/gm,
    ))
      addresses.push(`${match[1]}.${match[2]}`);
  }
  return addresses.sort();
}

/** resourceTypes returns the distinct resource types of dir's .tf files. */
export function resourceTypes(dir: string): string[] {
  return [...new Set(resourceAddresses(dir).map((address) => address.split(".")[0] ?? ""))];
}
