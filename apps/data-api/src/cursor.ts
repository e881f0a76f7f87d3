import { HttpProblem } from "./problem.ts";

/** encodeCursor turns where a page ended into the opaque `nextCursor` a client passes back as `cursor`. */
export function encodeCursor(key: { id: string }): string {
  return Buffer.from(JSON.stringify({ id: key.id }), "utf8").toString("base64url");
}

/** decodeCursor reads a cursor back, answering 400 to anything this service did not hand out. */
export function decodeCursor(cursor: string): { id: string } {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    key = undefined;
  }
  const id = (key as { id?: unknown } | undefined)?.id;
  if (
    typeof key !== "object" ||
    key === null ||
    Object.keys(key).length !== 1 ||
    typeof id !== "string" ||
    id === ""
  )
    throw new HttpProblem(
      400,
      "Bad Request",
      "cursor is not one this service returned: pass nextCursor as it came",
    );
  return { id };
}
