/** TerraformPlanJson is `terraform show -json` of a saved plan (the fields promote reads, and the rest). */
export interface TerraformPlanJson {
  format_version: string;
  resource_changes?: { address: string; type: string; change: { actions: string[] } }[];
  [key: string]: unknown;
}
