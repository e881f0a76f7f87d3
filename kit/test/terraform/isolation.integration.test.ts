/**
 * What the Terraform sandbox's network lets through, measured on this Docker engine: from inside
 * the sandbox a TCP connection to the host (every host address, the Docker bridge's gateway) fails
 * and the canary listeners see nothing, DNS names outside Docker do not resolve, IPv6 is off, and
 * the emulator answers under its alias. Positive controls show the same probe reaching the canary
 * from an ordinary container, and from a plain `--internal` network (which is why kit adds
 * inhibit_ipv4). The emulator publishes its port on 127.0.0.1 only.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBaseImage } from "../../src/images/base.ts";
import { type RunningAwsEmulator, startAwsEmulator } from "../../src/providers/aws/index.ts";
import { inspectContainer } from "../../src/providers/container/index.ts";
import { docker, requireDocker } from "../../src/tools/docker.ts";
import {
  EMULATOR_ALIAS,
  ensureSandboxNetwork,
  removeTerraformSandboxes,
  type Sandbox,
  sandboxNetworkName,
  startSandbox,
} from "../../src/tools/terraform/sandbox.ts";
import { type Canary, probeScript, startCanary } from "./canary.ts";

const PROJECT = `kit-iso-${process.pid}`;
const PLAIN_INTERNAL = `${PROJECT}-plain-internal`;
let canary: Canary;
let emulator: RunningAwsEmulator;
let sandbox: Sandbox;
let image: string;

beforeAll(async () => {
  await requireDocker();
  canary = await startCanary();
  image = (await ensureBaseImage()).ref;
  emulator = await startAwsEmulator({ project: PROJECT, emulator: "moto", imageSource: "build" });
  const network = await ensureSandboxNetwork(PROJECT);
  sandbox = await startSandbox(
    { project: PROJECT, image, network, mounts: [], user: "0:0" },
    emulator.containerName,
  );
}, 30 * 60_000);

afterAll(async () => {
  await sandbox?.close();
  await removeTerraformSandboxes(PROJECT);
  await emulator?.remove();
  await docker(["network", "rm", PLAIN_INTERNAL]).catch(() => undefined);
  await canary?.close();
});

const probe = async (targets: string[]): Promise<string> =>
  (await sandbox.exec(["/bin/bash", "-c", probeScript(targets)], { env: {}, timeoutMs: 120_000 })).stdout;

describe("the Terraform sandbox's network", () => {
  it("reaches the emulator under its alias", async () => {
    const port = new URL(emulator.clusterEndpoint).port;
    expect(await probe([`${EMULATOR_ALIAS}:${port}`])).toContain(`CONNECTED ${EMULATOR_ALIAS}:${port}`);
  });

  it("reaches nothing on the host: every host address, the bridge gateway, its own network's gateway", async () => {
    const subnet = (
      await docker([
        "network",
        "inspect",
        sandboxNetworkName(PROJECT),
        "--format",
        "{{(index .IPAM.Config 0).Gateway}}",
      ])
    ).trim();
    const targets = [...canary.targets, `${subnet}:${canary.hostTarget.split(":")[1]}`, "1.1.1.1:443"];
    const out = await probe(targets);
    for (const target of targets) expect(out).toContain(`blocked ${target}`);
    expect(out).not.toContain("CONNECTED");
    expect(out).toContain("dns: no answer");
    expect(out).toContain("ipv6 addresses: 0");
    expect(canary.hits).toEqual([]);
  });

  it("control: the same probe from a container on Docker's default bridge reaches the canary", async () => {
    const before = canary.hits.length;
    const out = await docker([
      "run",
      "--rm",
      image,
      "bash",
      "-c",
      probeScript([canary.gatewayTarget, canary.hostTarget]),
    ]);
    expect(out).toContain(`CONNECTED ${canary.gatewayTarget}`);
    expect(canary.hits.length).toBeGreaterThan(before);
  });

  it("control: a plain --internal network still reaches host listeners through its gateway", async () => {
    await docker([
      "network",
      "create",
      "--internal",
      "--label",
      `dev.kit.project=${PROJECT}`,
      PLAIN_INTERNAL,
    ]);
    const gateway = (
      await docker(["network", "inspect", PLAIN_INTERNAL, "--format", "{{(index .IPAM.Config 0).Gateway}}"])
    ).trim();
    const target = `${gateway}:${canary.hostTarget.split(":")[1]}`;
    const before = canary.hits.length;
    const out = await docker([
      "run",
      "--rm",
      "--network",
      PLAIN_INTERNAL,
      image,
      "bash",
      "-c",
      probeScript([target]),
    ]);
    expect(out).toContain(`CONNECTED ${target}`);
    expect(canary.hits.length).toBeGreaterThan(before);
  });

  it("the emulator publishes its port on 127.0.0.1 only", async () => {
    const info = await inspectContainer(emulator.containerName);
    const bindings = Object.values(info?.NetworkSettings.Ports ?? {}).flatMap((b) => b ?? []);
    expect(bindings.length).toBeGreaterThan(0);
    expect(bindings.every((b) => b.HostIp === "127.0.0.1")).toBe(true);
  });
});
