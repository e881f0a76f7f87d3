/** parseVersion pulls the first dotted version number (1.2 or 1.2.3) out of text, or undefined. */
export function parseVersion(text: string): string | undefined {
  const match = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  if (!match) return undefined;
  return `${match[1]}.${match[2]}.${match[3] ?? "0"}`;
}

/** compareVersions orders two dotted versions (a leading "v" or "go" is ignored). */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string): number[] =>
    v
      .replace(/^(v|go)/, "")
      .split(/[.+-]/)
      .slice(0, 3)
      .map((p) => Number.parseInt(p, 10) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** satisfiesMinimum says whether found is at least minimum. */
export function satisfiesMinimum(found: string, minimum: string): boolean {
  return compareVersions(found, minimum) >= 0;
}
