/**
 * hcl is a small structural reader of Terraform configuration: blocks (type, labels, nested
 * blocks) and attributes (name and the raw text of the expression), enough for the real-AWS guard
 * and the endpoint override to see providers, aliases, backends and credentials. It understands
 * comments, quoted strings with ${...} templates and heredocs; it does not evaluate expressions.
 * `*.tf.json` files are read as JSON and mapped to the same shape.
 */

/** HclAttribute is `name = expression`, with the expression's source text. */
export interface HclAttribute {
  name: string;
  expr: string;
  line: number;
}

/** HclBlock is `type "label" ... { body }`. */
export interface HclBlock {
  type: string;
  labels: string[];
  attributes: HclAttribute[];
  blocks: HclBlock[];
  line: number;
  file: string;
}

/** HclParseError says where the scanner lost track of the structure. */
export class HclParseError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(`${file}:${line}: ${message}`);
  }
}

class Scanner {
  pos = 0;
  constructor(
    readonly src: string,
    readonly file: string,
  ) {}

  line(at = this.pos): number {
    let n = 1;
    for (let i = 0; i < at && i < this.src.length; i++) if (this.src[i] === "\n") n++;
    return n;
  }

  fail(message: string): never {
    throw new HclParseError(this.file, this.line(), message);
  }

  /** skip skips spaces, comments and (when newlines) line breaks. */
  skip(newlines: boolean): void {
    const s = this.src;
    while (this.pos < s.length) {
      const c = s[this.pos];
      if (c === " " || c === "\t" || c === "\r" || (newlines && c === "\n")) this.pos++;
      else if (c === "#" || (c === "/" && s[this.pos + 1] === "/")) {
        while (this.pos < s.length && s[this.pos] !== "\n") this.pos++;
      } else if (c === "/" && s[this.pos + 1] === "*") {
        const end = s.indexOf("*/", this.pos + 2);
        if (end < 0) this.fail("unterminated /* comment");
        this.pos = end + 2;
      } else break;
    }
  }

  ident(): string | undefined {
    const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(this.src.slice(this.pos, this.pos + 200));
    if (!m) return undefined;
    this.pos += m[0].length;
    return m[0];
  }

  /** quoted reads a "..." string (pos at the opening quote) and returns its raw content. */
  quoted(): string {
    const s = this.src;
    const start = ++this.pos;
    let depth = 0;
    while (this.pos < s.length) {
      const c = s[this.pos];
      if (c === "\\") this.pos += 2;
      else if ((c === "$" || c === "%") && s[this.pos + 1] === "{") {
        depth++;
        this.pos += 2;
      } else if (c === "}" && depth > 0) {
        depth--;
        this.pos++;
      } else if (c === '"' && depth === 0) {
        this.pos++;
        return s.slice(start, this.pos - 1);
      } else if (c === '"' && depth > 0) {
        this.quoted();
      } else if (c === "\n" && depth === 0) this.fail("unterminated string");
      else this.pos++;
    }
    return this.fail("unterminated string");
  }

  heredoc(): void {
    const m = /^<<-?([A-Za-z_][A-Za-z0-9_]*)\r?\n/.exec(this.src.slice(this.pos, this.pos + 200));
    if (!m) this.fail("malformed heredoc");
    const marker = m[1] as string;
    const re = new RegExp(`\\n[ \\t]*${marker}[ \\t]*(\\r?\\n|$)`, "g");
    re.lastIndex = this.pos + m[0].length - 1;
    const end = re.exec(this.src);
    if (!end) this.fail(`heredoc ${marker} is not closed`);
    this.pos = end.index + end[0].trimEnd().length;
  }

  /** expression reads up to the end of the line at bracket depth 0 and returns the source text. */
  expression(): string {
    const s = this.src;
    const start = this.pos;
    let depth = 0;
    while (this.pos < s.length) {
      const c = s[this.pos] as string;
      if (c === '"') this.quoted();
      else if (c === "<" && s[this.pos + 1] === "<" && /[-A-Za-z_]/.test(s[this.pos + 2] ?? ""))
        this.heredoc();
      else if (c === "#" || (c === "/" && (s[this.pos + 1] === "/" || s[this.pos + 1] === "*"))) {
        if (depth === 0) break;
        this.skip(true);
      } else if ("([{".includes(c)) {
        depth++;
        this.pos++;
      } else if (")]}".includes(c)) {
        if (depth === 0) break;
        depth--;
        this.pos++;
      } else if (c === "\n" && depth === 0) break;
      else this.pos++;
    }
    return s.slice(start, this.pos).trim();
  }

  body(closing: boolean): { attributes: HclAttribute[]; blocks: HclBlock[] } {
    const attributes: HclAttribute[] = [];
    const blocks: HclBlock[] = [];
    for (;;) {
      this.skip(true);
      if (this.pos >= this.src.length) {
        if (closing) this.fail("missing closing }");
        return { attributes, blocks };
      }
      if (this.src[this.pos] === "}") {
        if (!closing) this.fail("unexpected }");
        this.pos++;
        return { attributes, blocks };
      }
      const line = this.line();
      const name = this.ident();
      if (!name) this.fail(`unexpected ${JSON.stringify(this.src[this.pos])}`);
      this.skip(false);
      if (this.src[this.pos] === "=" && this.src[this.pos + 1] !== "=") {
        this.pos++;
        this.skip(false);
        attributes.push({ name, expr: this.expression(), line });
        continue;
      }
      const labels: string[] = [];
      for (;;) {
        this.skip(false);
        const c = this.src[this.pos];
        if (c === '"') labels.push(this.quoted());
        else if (c === "{") break;
        else {
          const label = this.ident();
          if (!label) this.fail(`expected a label or { after ${name}`);
          labels.push(label);
        }
      }
      this.pos++;
      const inner = this.body(true);
      blocks.push({ type: name, labels, ...inner, line, file: this.file });
    }
  }
}

/** parseHcl reads one .tf file's text into its top-level blocks. */
export function parseHcl(text: string, file = "<input>"): HclBlock[] {
  return new Scanner(text, file).body(false).blocks;
}

/** parseTfJson maps a .tf.json document onto the same block shape (attributes keep JSON text). */
export function parseTfJson(text: string, file = "<input>"): HclBlock[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new HclParseError(file, 1, `invalid JSON: ${(err as Error).message}`);
  }
  // Block types whose labels count, as in Terraform's JSON syntax.
  const labelCounts: Record<string, number> = {
    provider: 1,
    resource: 2,
    data: 2,
    module: 1,
    variable: 1,
    output: 1,
    backend: 1,
  };
  const toBlocks = (type: string, value: unknown, depth: number): HclBlock[] => {
    const items = Array.isArray(value) ? value : [value];
    return items.flatMap((item) => {
      if (depth > 0 && item && typeof item === "object") {
        return Object.entries(item as Record<string, unknown>).flatMap(([label, inner]) =>
          toBlocks(type, inner, depth - 1).map((b) => ({ ...b, labels: [label, ...b.labels] })),
        );
      }
      return [toBlock(type, item)];
    });
  };
  const nestedTypes = new Set(["endpoints", "assume_role", "backend", "cloud", "provider", "default_tags"]);
  const toBlock = (type: string, body: unknown): HclBlock => {
    const attributes: HclAttribute[] = [];
    const blocks: HclBlock[] = [];
    for (const [key, value] of Object.entries((body ?? {}) as Record<string, unknown>)) {
      if (nestedTypes.has(key) && value && typeof value === "object")
        blocks.push(...toBlocks(key, value, labelCounts[key] ?? 0));
      else attributes.push({ name: key, expr: JSON.stringify(value), line: 1 });
    }
    return { type, labels: [], attributes, blocks, line: 1, file };
  };
  return Object.entries((doc ?? {}) as Record<string, unknown>).flatMap(([type, value]) =>
    toBlocks(type, value, labelCounts[type] ?? 0),
  );
}

/** attr returns an attribute's expression text, or undefined. */
export function attr(block: HclBlock, name: string): string | undefined {
  return block.attributes.find((a) => a.name === name)?.expr;
}

/** literal returns the value of a plain string literal expression ("x" or JSON "x"), or undefined. */
export function literal(expr: string | undefined): string | undefined {
  if (!expr) return undefined;
  const m = /^"((?:[^"\\$]|\\.)*)"$/.exec(expr.trim());
  return m ? (m[1] as string) : undefined;
}
