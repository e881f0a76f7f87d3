/**
 * hcl is a small structural reader of Terraform's native syntax: blocks (type, labels, nested
 * blocks) and attributes (name and the raw text of the expression), enough for the real-AWS guard
 * and the endpoint override to see providers, aliases, backends, provisioners and credentials. It
 * follows HCL's template rules (`$${` and `%%{` escapes, nested interpolations with braces,
 * strings and comments inside them, heredoc templates) and does not evaluate expressions. Anything
 * it cannot follow is an HclParseError with file:line, which the guard turns into a refusal.
 * `*.tf.json` files are read by tfjson.ts into the same shape.
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

/** HclBody is the content of a file or a block. */
export interface HclBody {
  attributes: HclAttribute[];
  blocks: HclBlock[];
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
  private readonly lineStarts: number[] = [0];
  constructor(
    readonly src: string,
    readonly file: string,
  ) {
    for (let i = 0; i < src.length; i++) if (src[i] === "\n") this.lineStarts.push(i + 1);
  }

  line(at = this.pos): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] as number) <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  fail(message: string, at = this.pos): never {
    throw new HclParseError(this.file, this.line(at), message);
  }

  /** comment skips one comment at pos, if there is one, and says whether it did. */
  comment(): boolean {
    const s = this.src;
    const c = s[this.pos];
    if (c === "#" || (c === "/" && s[this.pos + 1] === "/")) {
      while (this.pos < s.length && s[this.pos] !== "\n") this.pos++;
      return true;
    }
    if (c === "/" && s[this.pos + 1] === "*") {
      const end = s.indexOf("*/", this.pos + 2);
      if (end < 0) this.fail("unterminated /* comment");
      this.pos = end + 2;
      return true;
    }
    return false;
  }

  /** skip skips spaces, comments and (when newlines) line breaks. */
  skip(newlines: boolean): void {
    const s = this.src;
    while (this.pos < s.length) {
      const c = s[this.pos];
      if (c === " " || c === "\t" || c === "\r" || (newlines && c === "\n")) this.pos++;
      else if (!this.comment()) break;
    }
  }

  ident(): string | undefined {
    const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(this.src.slice(this.pos, this.pos + 200));
    if (!m) return undefined;
    this.pos += m[0].length;
    return m[0];
  }

  /**
   * templateChar handles one position of a template body: the `$${` / `%%{` escapes (literal
   * text) and `${` / `%{` interpolations; it returns false when pos holds plain text.
   */
  templateChar(): boolean {
    const s = this.src;
    const c = s[this.pos];
    if ((c === "$" || c === "%") && s[this.pos + 1] === c && s[this.pos + 2] === "{") {
      this.pos += 3;
      return true;
    }
    if ((c === "$" || c === "%") && s[this.pos + 1] === "{") {
      this.pos += 2;
      this.interpolation();
      return true;
    }
    return false;
  }

  /** quoted reads a "..." template (pos at the opening quote) and returns its raw content. */
  quoted(): string {
    const s = this.src;
    const open = this.pos;
    const start = ++this.pos;
    while (this.pos < s.length) {
      const c = s[this.pos];
      if (c === "\\") this.pos += 2;
      else if (this.templateChar()) continue;
      else if (c === '"') {
        this.pos++;
        return s.slice(start, this.pos - 1);
      } else if (c === "\n") this.fail("unterminated string", open);
      else this.pos++;
    }
    return this.fail("unterminated string", open);
  }

  /** interpolation reads an expression up to the `}` that closes `${` (pos just after `${`). */
  interpolation(): void {
    const s = this.src;
    const open = this.pos - 2;
    let depth = 0;
    while (this.pos < s.length) {
      const c = s[this.pos] as string;
      if (this.comment()) continue;
      if (c === '"') this.quoted();
      else if (c === "<" && s[this.pos + 1] === "<" && /[-A-Za-z_]/.test(s[this.pos + 2] ?? ""))
        this.heredoc();
      else if ("([{".includes(c)) {
        depth++;
        this.pos++;
      } else if (")]".includes(c)) {
        depth--;
        this.pos++;
      } else if (c === "}") {
        this.pos++;
        if (depth === 0) return;
        depth--;
      } else this.pos++;
    }
    this.fail("unterminated ${ interpolation", open);
  }

  /** heredoc reads `<<EOT` / `<<-EOT` through its closing marker, following interpolations. */
  heredoc(): void {
    const s = this.src;
    const open = this.pos;
    const m = /^<<-?([A-Za-z_][A-Za-z0-9_-]*)\r?\n/.exec(s.slice(this.pos, this.pos + 200));
    if (!m) this.fail("malformed heredoc");
    const marker = m[1] as string;
    this.pos += m[0].length;
    let lineStart = true;
    while (this.pos < s.length) {
      if (lineStart) {
        const end = /^[ \t]*([A-Za-z_][A-Za-z0-9_-]*)[ \t]*(\r?\n|$)/.exec(s.slice(this.pos, this.pos + 300));
        if (end && end[1] === marker) {
          this.pos += end[0].length - (end[2] as string).length;
          return;
        }
      }
      const c = s[this.pos];
      lineStart = c === "\n";
      if (!this.templateChar()) this.pos++;
    }
    this.fail(`heredoc ${marker} is not closed`, open);
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
    if (depth > 0) this.fail("unclosed bracket in expression", start);
    const text = s.slice(start, this.pos).trim();
    if (text === "") this.fail("missing expression after =", start);
    return text;
  }

  body(closing: boolean): HclBody {
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
        this.endOfItem();
        continue;
      }
      const labels: string[] = [];
      for (;;) {
        this.skip(false);
        const c = this.src[this.pos];
        if (c === '"') {
          const label = this.quoted();
          if (/[$%]\{/.test(label)) this.fail(`a block label cannot be a template (${name} "${label}")`);
          labels.push(label);
        } else if (c === "{") break;
        else {
          const label = this.ident();
          if (!label) this.fail(`expected a label or { after ${name}`);
          labels.push(label);
        }
      }
      this.pos++;
      const inner = this.body(true);
      blocks.push({ type: name, labels, ...inner, line, file: this.file });
      this.endOfItem();
    }
  }

  /** endOfItem requires a newline, a comment, `}` or the end of the file after an attribute or block. */
  endOfItem(): void {
    this.skip(false);
    const c = this.src[this.pos];
    if (c !== undefined && c !== "\n" && c !== "}")
      this.fail(`unexpected ${JSON.stringify(c)} after an item`);
  }
}

/** parseHclBody reads one native-syntax file (or .tfvars) into its top-level attributes and blocks. */
export function parseHclBody(text: string, file = "<input>"): HclBody {
  return new Scanner(text, file).body(false);
}

/** parseHcl reads one .tf file's text into its top-level blocks. */
export function parseHcl(text: string, file = "<input>"): HclBlock[] {
  return parseHclBody(text, file).blocks;
}

/** attr returns an attribute's expression text, or undefined. */
export function attr(block: HclBlock, name: string): string | undefined {
  return block.attributes.find((a) => a.name === name)?.expr;
}

/**
 * literal returns the value of a plain string literal expression ("x" or JSON "x"): no template,
 * no escape other than a quoted quote or backslash; undefined for anything else.
 */
export function literal(expr: string | undefined): string | undefined {
  if (!expr) return undefined;
  const m = /^"((?:[^"\\$%]|\\["\\]|[$%](?!\{))*)"$/.exec(expr.trim());
  return m ? (m[1] as string).replace(/\\(["\\])/g, "$1") : undefined;
}
