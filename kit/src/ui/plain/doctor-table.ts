import { formatTable } from "../../table.ts";
import type { ToolCheck } from "../../tools/doctor/requirements.ts";

/** formatDoctorTable renders doctor's findings as an aligned text table. */
export function formatDoctorTable(checks: ToolCheck[]): string {
  const header = ["TOOL", "FOUND", "REQUIRED", "STATUS", "PATH / NOTE"];
  const rows = checks.map((c) => [
    c.name,
    c.found.version ?? (c.found.path ? "present" : "-"),
    c.wants,
    c.status === "ok" ? "ok" : c.required ? c.status.toUpperCase() : `${c.status} (optional)`,
    [c.found.path, c.found.note].filter(Boolean).join("  ") || `fix: ${c.fix}`,
  ]);
  return `${formatTable(header, rows)}\n`;
}
