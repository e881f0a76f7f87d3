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
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join("\n")}\n`;
}
