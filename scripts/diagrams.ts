// diagrams renders docs/diagrams/*.dot to SVG beside each source (scripts/diagrams-render.ts).
// Usage: npm run diagrams
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeDiagrams } from "./diagrams-render.ts";

const dir = join(fileURLToPath(new URL("..", import.meta.url)), "docs", "diagrams");
for (const svg of await writeDiagrams(dir)) process.stdout.write(`wrote ${svg}\n`);
