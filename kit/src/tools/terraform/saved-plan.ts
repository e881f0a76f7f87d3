/**
 * saved-plan reads a saved Terraform plan (`terraform show -json <file>`) into what a person
 * approves: counts of resources to add, change and destroy, and each resource with its actions;
 * and hashes the plan file, so a record names exactly the plan that was approved and applied.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";

/** PlannedChange is one resource a plan would touch. */
export interface PlannedChange {
  address: string;
  actions: string[];
}

/** PlanCounts are a plan's changes counted as Terraform counts them. */
export interface PlanCounts {
  changes: boolean;
  add: number;
  change: number;
  destroy: number;
  resources: PlannedChange[];
}

interface ShowJson {
  resource_changes?: { address?: string; change?: { actions?: string[] } }[];
  output_changes?: Record<string, { actions?: string[] }>;
}

/** countPlan counts `show -json` resource changes (a replace is one add and one destroy). */
export function countPlan(showJson: string): PlanCounts {
  const parsed = JSON.parse(showJson) as ShowJson;
  let add = 0;
  let change = 0;
  let destroy = 0;
  const resources: PlannedChange[] = [];
  for (const rc of parsed.resource_changes ?? []) {
    const actions = rc.change?.actions ?? [];
    if (actions.length === 0 || actions.every((a) => a === "no-op" || a === "read")) continue;
    if (actions.includes("create")) add++;
    if (actions.includes("delete")) destroy++;
    if (actions.includes("update")) change++;
    resources.push({ address: rc.address ?? "?", actions });
  }
  const outputsChange = Object.values(parsed.output_changes ?? {}).some((o) =>
    (o.actions ?? []).some((a) => a !== "no-op"),
  );
  return { changes: resources.length > 0 || outputsChange, add, change, destroy, resources };
}

/** hashPlanFile is the sha256 of a saved plan file. */
export async function hashPlanFile(file: string): Promise<string> {
  return `sha256:${createHash("sha256")
    .update(await readFile(file))
    .digest("hex")}`;
}
