import { readFile } from "node:fs/promises";
import { relative } from "node:path";
import { isMap, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import type { z } from "zod";
import { UserError } from "../errors.ts";
import { configSchema, type KitConfig } from "./schema.ts";

/** ConfigProblem is one thing wrong with a config file, located as precisely as possible. */
export interface ConfigProblem {
  path: string;
  line?: number;
  message: string;
}

/** ConfigError lists every problem found in one config file; it is a user error (exit 2). */
export class ConfigError extends UserError {
  readonly file: string;
  readonly problems: ConfigProblem[];

  constructor(file: string, problems: ConfigProblem[]) {
    const lines = problems.map(
      (p) => `  ${file}${p.line ? `:${p.line}` : ""}: ${p.path || "(top level)"}: ${p.message}`,
    );
    super(
      `${file} is not a valid kit config (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${lines.join("\n")}`,
      {
        hint: "Fix the fields named above; docs/configuration.md describes every field.",
      },
    );
    this.file = file;
    this.problems = problems;
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`))
    .join("");
}

function lineOf(
  doc: ReturnType<typeof parseDocument>,
  counter: LineCounter,
  path: readonly PropertyKey[],
): number | undefined {
  let node: Node | null | undefined = doc.contents as Node | null;
  let lastLine: number | undefined;
  const lineAt = (n: Node | null | undefined): number | undefined =>
    n?.range ? counter.linePos(n.range[0]).line : undefined;
  lastLine = lineAt(node);
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => (item.key as { value?: unknown } | null)?.value === key);
      if (!pair) return lastLine;
      lastLine = lineAt(pair.key as Node) ?? lastLine;
      node = pair.value as Node | null;
    } else if (isSeq(node) && typeof key === "number") {
      node = node.items[key] as Node | null;
      lastLine = lineAt(node) ?? lastLine;
    } else {
      return lastLine;
    }
  }
  return lastLine;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "unrecognized_keys":
      return `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")} (check the spelling; unknown fields are not ignored)`;
    case "invalid_type":
      return issue.message.includes("received undefined")
        ? `is required (expected ${issue.expected})`
        : `expected ${issue.expected}, ${issue.message.replace(/^Invalid input: expected \w+, /, "")}`;
    default:
      return issue.message;
  }
}

/** MAX_ALIAS_COUNT bounds how far YAML aliases may expand: a config has no use for more. */
const MAX_ALIAS_COUNT = 1000;

/**
 * syntaxErrorOffset is where a syntax error starts: the parser finds a missing closing quote at the
 * end of the file, but the quote that is never closed is the last one of its kind before there.
 */
function syntaxErrorOffset(text: string, message: string, offset: number): number {
  const quote = /^Missing closing (["'])quote/.exec(message)?.[1];
  if (!quote) return offset;
  const opening = text.lastIndexOf(quote, offset);
  return opening >= 0 ? opening : offset;
}

/**
 * parseConfig validates YAML text as a kit config and applies defaults. Every problem is reported
 * at once with its field path and line; unknown keys are errors.
 */
export function parseConfig(text: string, file: string): KitConfig {
  const counter = new LineCounter();
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  } catch (err) {
    // The parser recurses per nesting level: thousands of `[` overflow the stack.
    if (!(err instanceof RangeError)) throw err;
    throw new ConfigError(file, [
      { path: "", message: "YAML nests too deeply to read (thousands of levels); a kit config needs a few" },
    ]);
  }
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => ({
        path: "",
        line: counter.linePos(syntaxErrorOffset(text, e.message, e.pos[0])).line,
        message: `YAML syntax: ${e.message.split("\n")[0]}`,
      })),
    );
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    if (!(err instanceof ReferenceError)) throw err;
    throw new ConfigError(file, [
      {
        path: "",
        message: `YAML aliases expand to more than ${MAX_ALIAS_COUNT} nodes (an alias bomb?); write the values out instead of nesting aliases`,
      },
    ]);
  }
  const parsed = configSchema.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const keyPath = issue.code === "unrecognized_keys" ? issue.path : issue.path;
    const fullPath =
      issue.code === "unrecognized_keys" && issue.keys.length === 1
        ? [...issue.path, issue.keys[0] as string]
        : keyPath;
    return {
      path: formatPath(fullPath),
      line: lineOf(doc, counter, fullPath),
      message: describeIssue(issue),
    };
  });
  throw new ConfigError(file, problems);
}

/** loadConfig reads and validates the config file at path. */
export async function loadConfig(path: string, cwd: string = process.cwd()): Promise<KitConfig> {
  const display = relative(cwd, path) || path;
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new UserError(`cannot read ${display}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, {
      hint: "Run kit from the project root, or pass --config PATH (env KIT_CONFIG).",
      cause: err,
    });
  }
  return parseConfig(text, display);
}
