/**
 * The architecture pictures in docs/diagrams are Graphviz sources (*.dot) rendered to SVG beside
 * them by Graphviz compiled to WebAssembly (@hpcc-js/wasm-graphviz, from the npm registry: no system
 * package). `npm run diagrams` renders them; a unit test renders them again and fails when a
 * checked-in SVG differs from its source, so a picture cannot go stale.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Graphviz } from "@hpcc-js/wasm-graphviz";

/** DiagramFile is one source and the SVG it renders to. */
export interface DiagramFile {
  source: string;
  svg: string;
}

/** diagramFiles lists the *.dot sources of dir with their SVG paths. */
export function diagramFiles(dir: string): DiagramFile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".dot"))
    .sort()
    .map((f) => ({ source: join(dir, f), svg: join(dir, f.replace(/\.dot$/, ".svg")) }));
}

/** renderDiagram renders Graphviz source text to SVG. */
export async function renderDiagram(dot: string): Promise<string> {
  const graphviz = await Graphviz.load();
  return graphviz.dot(dot, "svg");
}

/** writeDiagrams renders every source of dir to its SVG and returns the SVGs written. */
export async function writeDiagrams(dir: string): Promise<string[]> {
  const written: string[] = [];
  for (const file of diagramFiles(dir)) {
    writeFileSync(file.svg, await renderDiagram(readFileSync(file.source, "utf8")));
    written.push(file.svg);
  }
  return written;
}
