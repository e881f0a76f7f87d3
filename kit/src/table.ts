/**
 * table renders the plain-text tables kit prints (kit status, kit doctor, the rollout summary).
 * It lives at the top of src, like hash.ts, because plans, the rollout report and the front ends
 * all print tables and none of them may import another's layer.
 */

/** COLUMN_GAP separates two columns. */
const COLUMN_GAP = "  ";

/**
 * formatTable aligns a header and its rows into columns as wide as their widest cell, two spaces
 * apart, with no trailing spaces and no final newline. A missing cell is empty. Widths count
 * UTF-16 code units, so wide characters are not measured as two columns.
 */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => (row[i] ?? "").length)),
  );
  const line = (row: readonly string[]): string =>
    widths
      .map((width, i) => (row[i] ?? "").padEnd(width))
      .join(COLUMN_GAP)
      .trimEnd();
  return [header, ...rows].map(line).join("\n");
}
