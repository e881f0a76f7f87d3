/**
 * values turns kit's computed release values (dotted keys such as `service.image.digest` or
 * `service.app.extraEnv[0].name`, as `--set` would take them) into one nested document that helm
 * reads from a file. Through a file a value is data: a comma, an `=` or a `{` in a Terraform output
 * cannot split it into more keys or change its type, as `--set-string a=b,c=d` would.
 */

/** ValuePath is a key's segments: object keys and list indexes. */
export type ValuePath = (string | number)[];

/** valueKeyPath splits a dotted key (`\.` is a literal dot) with `[n]` list indexes into segments. */
export function valueKeyPath(key: string): ValuePath {
  const path: ValuePath = [];
  let name = "";
  const flush = (): void => {
    if (name !== "") path.push(name);
    name = "";
  };
  for (let i = 0; i < key.length; i++) {
    const c = key[i] as string;
    if (c === "\\" && key[i + 1] === ".") {
      name += ".";
      i++;
    } else if (c === ".") {
      if (name === "" && key[i - 1] !== "]") throw new Error(`empty segment in value key "${key}"`);
      flush();
    } else if (c === "[") {
      flush();
      const end = key.indexOf("]", i);
      const index = key.slice(i + 1, end);
      if (end < 0 || !/^\d+$/.test(index)) throw new Error(`bad list index in value key "${key}"`);
      path.push(Number(index));
      i = end;
    } else name += c;
  }
  flush();
  if (path.length === 0) throw new Error("empty value key");
  return path;
}

/** nestValues builds the nested values document from dotted keys; a key that is both a value and a parent is an error. */
export function nestValues(set: Record<string, unknown>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(set)) {
    const path = valueKeyPath(key);
    let node: Record<string | number, unknown> = root;
    for (const [i, segment] of path.entries()) {
      const last = i === path.length - 1;
      const next = path[i + 1];
      if (Array.isArray(node) && typeof segment !== "number")
        throw new Error(`"${key}" uses a list as an object`);
      if (!Array.isArray(node) && typeof segment === "number")
        throw new Error(`"${key}" uses an object as a list`);
      if (last) {
        if (node[segment] !== undefined && typeof node[segment] === "object")
          throw new Error(`"${key}" is also a parent of other keys`);
        node[segment] = value;
        break;
      }
      if (node[segment] === undefined || node[segment] === null)
        node[segment] = typeof next === "number" ? [] : {};
      const child = node[segment];
      if (typeof child !== "object") throw new Error(`"${key}" goes below the value of another key`);
      node = child as Record<string | number, unknown>;
    }
  }
  // Helm fills list gaps with null, as --set does.
  const fill = (v: unknown): unknown => {
    if (Array.isArray(v)) return Array.from(v, (x) => (x === undefined ? null : fill(x)));
    if (v && typeof v === "object")
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)]));
    return v;
  };
  return fill(root) as Record<string, unknown>;
}
