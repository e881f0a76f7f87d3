#!/usr/bin/env node
// kit runs its TypeScript sources through tsx's loader, so a checkout never has a stale build.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
