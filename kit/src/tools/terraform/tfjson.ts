/**
 * tfjson reads Terraform's JSON syntax (`*.tf.json`, `*.tofu.json`, `*.tfvars.json`) into the
 * same blocks as hcl.ts, with what JSON.parse loses: every duplicate key (HCL keeps both
 * `"provider"` keys of a file; JSON.parse keeps the last) and the line of each key.
 */
import { type HclAttribute, type HclBlock, type HclBody, HclParseError } from "./hcl.ts";

/** JsonNode is a parsed JSON value with its line and, for objects, every entry in order. */
export type JsonNode =
  | { kind: "object"; line: number; entries: { key: string; value: JsonNode; line: number }[] }
  | { kind: "array"; line: number; items: JsonNode[] }
  | { kind: "scalar"; line: number; value: string | number | boolean | null };

/** parseJsonNodes parses JSON text keeping duplicate keys and lines. */
export function parseJsonNodes(text: string, file = "<input>"): JsonNode {
  let pos = 0;
  let line = 1;
  const fail = (message: string): never => {
    throw new HclParseError(file, line, `invalid JSON: ${message}`);
  };
  const ws = (): void => {
    while (pos < text.length && /\s/.test(text[pos] as string)) {
      if (text[pos] === "\n") line++;
      pos++;
    }
  };
  const string = (): string => {
    const m = /^"(?:[^"\\\n]|\\.)*"/.exec(text.slice(pos));
    if (!m) fail("malformed string");
    pos += (m as RegExpExecArray)[0].length;
    return JSON.parse((m as RegExpExecArray)[0]) as string;
  };
  const value = (): JsonNode => {
    ws();
    const at = line;
    const c = text[pos];
    if (c === "{") {
      pos++;
      const entries: { key: string; value: JsonNode; line: number }[] = [];
      ws();
      if (text[pos] === "}") {
        pos++;
        return { kind: "object", line: at, entries };
      }
      for (;;) {
        ws();
        if (text[pos] !== '"') fail("expected a key");
        const keyLine = line;
        const key = string();
        ws();
        if (text[pos++] !== ":") fail(`expected : after "${key}"`);
        entries.push({ key, value: value(), line: keyLine });
        ws();
        if (text[pos] === ",") pos++;
        else if (text[pos] === "}") {
          pos++;
          return { kind: "object", line: at, entries };
        } else fail("expected , or }");
      }
    }
    if (c === "[") {
      pos++;
      const items: JsonNode[] = [];
      ws();
      if (text[pos] === "]") {
        pos++;
        return { kind: "array", line: at, items };
      }
      for (;;) {
        items.push(value());
        ws();
        if (text[pos] === ",") pos++;
        else if (text[pos] === "]") {
          pos++;
          return { kind: "array", line: at, items };
        } else fail("expected , or ]");
      }
    }
    if (c === '"') return { kind: "scalar", line: at, value: string() };
    const m = /^(-?\d+(\.\d+)?([eE][-+]?\d+)?|true|false|null)/.exec(text.slice(pos, pos + 100));
    if (!m) return fail(`unexpected ${JSON.stringify(c ?? "end of file")}`);
    pos += m[0].length;
    return { kind: "scalar", line: at, value: JSON.parse(m[0]) as string | number | boolean | null };
  };
  const root = value();
  ws();
  if (pos < text.length) fail("text after the JSON value");
  return root;
}

/** toPlain turns a node back into a plain value (for an attribute's expression text). */
function toPlain(node: JsonNode): unknown {
  if (node.kind === "scalar") return node.value;
  if (node.kind === "array") return node.items.map(toPlain);
  return Object.fromEntries(node.entries.map((e) => [e.key, toPlain(e.value)]));
}

/** LABEL_COUNTS are the block types whose labels count, as in Terraform's JSON syntax. */
const LABEL_COUNTS: Record<string, number> = {
  provider: 1,
  resource: 2,
  data: 2,
  module: 1,
  variable: 1,
  output: 1,
  backend: 1,
  provisioner: 1,
  dynamic: 1,
  check: 1,
};

/** NESTED_TYPES are keys read as nested blocks (in JSON a body does not say which keys are blocks). */
const NESTED_TYPES = new Set([
  "terraform",
  "required_providers",
  "backend",
  "cloud",
  "endpoints",
  "assume_role",
  "assume_role_with_web_identity",
  "default_tags",
  "ignore_tags",
  "provisioner",
  "connection",
  "dynamic",
  "lifecycle",
]);

/** parseTfJsonBody maps a JSON configuration document onto blocks and attributes. */
export function parseTfJsonBody(text: string, file = "<input>"): HclBody {
  const root = parseJsonNodes(text, file);
  if (root.kind !== "object")
    throw new HclParseError(file, root.line, "a JSON configuration must be an object");
  const toBlocks = (type: string, node: JsonNode, depth: number, line: number): HclBlock[] => {
    const items = node.kind === "array" ? node.items : [node];
    return items.flatMap((item) => {
      if (depth > 0) {
        if (item.kind !== "object") throw new HclParseError(file, item.line, `${type} needs a label object`);
        return item.entries.flatMap((e) =>
          toBlocks(type, e.value, depth - 1, e.line).map((b) => ({ ...b, labels: [e.key, ...b.labels] })),
        );
      }
      return [toBlock(type, item, line)];
    });
  };
  const toBody = (node: JsonNode, parent: string | undefined): HclBody => {
    if (node.kind !== "object") throw new HclParseError(file, node.line, "a block body must be an object");
    const attributes: HclAttribute[] = [];
    const blocks: HclBlock[] = [];
    for (const e of node.entries) {
      if (e.key === "//") continue;
      // A check block's scoped data sources are blocks only there; elsewhere `data` may be an argument.
      const nested = NESTED_TYPES.has(e.key) || (parent === "check" && e.key === "data");
      const isBlock = parent === undefined || (nested && e.value.kind !== "scalar");
      if (isBlock) {
        blocks.push(...toBlocks(e.key, e.value, LABEL_COUNTS[e.key] ?? 0, e.line));
      } else {
        if (attributes.some((a) => a.name === e.key)) {
          throw new HclParseError(file, e.line, `duplicate argument "${e.key}"`);
        }
        attributes.push({ name: e.key, expr: JSON.stringify(toPlain(e.value)), line: e.line });
      }
    }
    return { attributes, blocks };
  };
  const toBlock = (type: string, node: JsonNode, line: number): HclBlock => ({
    type,
    labels: [],
    ...toBody(node, type),
    line,
    file,
  });
  return toBody(root, undefined);
}

/** parseTfJson reads a .tf.json document's top-level blocks. */
export function parseTfJson(text: string, file = "<input>"): HclBlock[] {
  return parseTfJsonBody(text, file).blocks;
}

/** parseTfvarsJson reads a .tfvars.json document as attributes (one per variable). */
export function parseTfvarsJson(text: string, file = "<input>"): HclAttribute[] {
  const root = parseJsonNodes(text, file);
  if (root.kind !== "object")
    throw new HclParseError(file, root.line, "a .tfvars.json file must be an object");
  return root.entries.map((e) => ({ name: e.key, expr: JSON.stringify(toPlain(e.value)), line: e.line }));
}
