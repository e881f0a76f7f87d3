/**
 * helm-values holds flattenValues, the inverse of tools/helm/values.ts nestValues, so tests can
 * compare a nested values file with the dotted keys kit computed. kit itself never flattens.
 */

/** flattenValues turns nested values (helm's JSON) into dotted keys, lists as `[i]`. */
export function flattenValues(value: unknown, prefix = ""): Record<string, string> {
  if (Array.isArray(value)) {
    return Object.assign({}, ...value.map((v, i) => flattenValues(v, `${prefix}[${i}]`)));
  }
  if (value !== null && typeof value === "object") {
    return Object.assign(
      {},
      ...Object.entries(value as Record<string, unknown>).map(([k, v]) =>
        flattenValues(v, prefix ? `${prefix}.${k}` : k),
      ),
    );
  }
  return { [prefix]: String(value) };
}
