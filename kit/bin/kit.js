#!/usr/bin/env node
// kit runs its TypeScript sources through tsx's loader, so a checkout never has a stale build. The
// loader gets kit's own tsconfig (automatic JSX runtime, etc.) whatever directory kit runs from.
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

register({ tsconfig: fileURLToPath(new URL("../tsconfig.json", import.meta.url)) });
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
