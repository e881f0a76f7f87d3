/**
 * schema-paths says whether a zod object schema declares a path of keys: a record's keys are any
 * name (`apps.go-app.url` is `apps.*.url`).
 */
import { z } from "zod";

/** schemaHasPath is true when every key of path is declared by schema, records matching any key. */
export function schemaHasPath(schema: z.ZodType, path: string[]): boolean {
  let node: z.ZodType = schema;
  for (const key of path) {
    if (node instanceof z.ZodObject) {
      const child = (node.shape as Record<string, z.ZodType>)[key];
      if (!child) return false;
      node = child;
    } else if (node instanceof z.ZodRecord) {
      node = node.valueType as z.ZodType;
    } else {
      return false;
    }
  }
  return true;
}
