/**
 * backend-rules check a root module's backend: only `local`, or `s3` with every endpoint at the
 * emulator and no credential source (the S3 backend also calls DynamoDB, STS and IAM).
 */
import { type GuardOptions, pointsAt } from "./endpoints.ts";
import { CREDENTIAL_ATTRS, finding, type GuardFinding, NETWORK_ATTRS } from "./findings.ts";
import { type HclBlock, literal } from "./hcl.ts";

/** endpointValues returns the endpoint settings of an S3 backend: name -> expression. */
function backendEndpoints(backend: HclBlock): [string, string, number][] {
  const out: [string, string, number][] = [];
  for (const a of backend.attributes) {
    if (a.name === "endpoints") {
      for (const m of a.expr.matchAll(/"?([A-Za-z0-9_]+)"?\s*[=:]\s*("(?:[^"\\]|\\.)*"|[^,\n}]+)/g)) {
        out.push([`endpoints.${m[1]}`, (m[2] as string).trim(), a.line]);
      }
    } else if (a.name === "endpoint" || a.name.endsWith("_endpoint")) out.push([a.name, a.expr, a.line]);
  }
  for (const nested of backend.blocks.filter((b) => b.type === "endpoints")) {
    for (const a of nested.attributes) out.push([`endpoints.${a.name}`, a.expr, a.line]);
  }
  return out;
}

/** checkBackend adds findings for a backend block that could keep state beyond the emulator. */
export function checkBackend(inner: HclBlock, options: GuardOptions, findings: GuardFinding[]): void {
  const kind = inner.labels[0] ?? "";
  if (kind === "local") return;
  if (kind !== "s3") {
    findings.push(finding("backend", inner, `backend "${kind}" stores state outside this machine.`));
    return;
  }
  const endpoints = backendEndpoints(inner);
  if (!endpoints.some(([name]) => name === "endpoints.s3" || name === "endpoint")) {
    findings.push(
      finding(
        "backend",
        inner,
        `backend "s3" does not point its S3 endpoint at the emulator (${options.endpoints[0]}); it would read and write state in real AWS.`,
      ),
    );
  }
  for (const [name, expr, line] of endpoints) {
    if (!pointsAt(literal(expr), options.endpoints)) {
      findings.push(
        finding("backend", inner, `backend "s3" sets ${name} = ${expr}, which is not the emulator.`, line),
      );
    }
  }
  for (const a of inner.attributes) {
    if (CREDENTIAL_ATTRS.includes(a.name) || NETWORK_ATTRS.includes(a.name)) {
      findings.push(
        finding(
          "backend",
          inner,
          `backend "s3" sets ${a.name}, which reaches real credentials or another host.`,
          a.line,
        ),
      );
    }
  }
  for (const b of inner.blocks.filter((x) => x.type.startsWith("assume_role"))) {
    findings.push(
      finding("backend", b, `backend "s3" has an ${b.type} block, which asks a real STS for credentials.`),
    );
  }
}
