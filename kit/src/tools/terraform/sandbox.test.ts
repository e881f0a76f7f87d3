import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../errors.ts";
import { FakeExecer } from "../../exec/execer.ts";
import { assertRunsInSandbox } from "./binary.ts";
import {
  ensureSandboxNetwork,
  removeTerraformSandboxes,
  sandboxNetworkArgs,
  sandboxRunArgs,
} from "./sandbox.ts";
import { sandboxCliConfig, sandboxEndpoint, sandboxEnv } from "./terraform.ts";

const emulator = {
  containerName: "kit-demo-aws",
  endpoint: "http://127.0.0.1:4566",
  clusterEndpoint: "http://kit-demo-aws:5000",
  region: "eu-west-1",
};

describe("the sandbox's Docker command lines", () => {
  it("makes an internal network with no address on the host's side, labelled", () => {
    const args = sandboxNetworkArgs("demo");
    expect(args).toContain("--internal");
    expect(args.join(" ")).toContain("--opt com.docker.network.bridge.inhibit_ipv4=true");
    expect(args.join(" ")).toContain("--label dev.kit.project=demo");
    expect(args.at(-1)).toBe("kit-demo-tf-sandbox");
  });
  it("runs a read-only, capability-less container with IPv6 off and read-only mounts where asked", () => {
    const args = sandboxRunArgs(
      {
        project: "demo",
        image: "kit.local/debian:x",
        network: "kit-demo-tf-sandbox",
        user: "1000:1000",
        mounts: [
          { host: "/repo/terraform", container: "/kit/config", readOnly: true },
          { host: "/repo/.kit/terraform", container: "/kit/state", readOnly: false },
        ],
      },
      "kit-demo-tf-1",
    ).join(" ");
    for (const flag of [
      "--read-only",
      "--cap-drop ALL",
      "--security-opt no-new-privileges",
      "--network kit-demo-tf-sandbox",
      "--sysctl net.ipv6.conf.all.disable_ipv6=1",
      "--user 1000:1000",
      "--rm",
      "--label dev.kit.component=terraform-sandbox",
      "type=bind,source=/repo/terraform,target=/kit/config,readonly",
      "type=bind,source=/repo/.kit/terraform,target=/kit/state ",
    ]) {
      expect(args).toContain(flag);
    }
    expect(args).not.toContain("--privileged");
  });
});

describe("the sandbox network, through a fake docker", () => {
  const inspect = "docker network inspect kit-demo-tf-sandbox";

  it("reuses an isolated network, creates a missing one, and takes the winner's when two race", async () => {
    const isolated = new FakeExecer().on(inspect, {
      stdout: 'true {"com.docker.network.bridge.inhibit_ipv4":"true"}\n',
    });
    expect(await ensureSandboxNetwork("demo", undefined, isolated)).toBe("kit-demo-tf-sandbox");
    expect(isolated.commands().some((c) => c.includes("network create"))).toBe(false);

    const missing = new FakeExecer()
      .on(inspect, { exitCode: 1, stderr: "network kit-demo-tf-sandbox not found" })
      .on("docker network create");
    await ensureSandboxNetwork("demo", undefined, missing);
    expect(missing.calls.at(-1)?.args).toEqual(sandboxNetworkArgs("demo"));

    const raced = new FakeExecer().on(inspect, { exitCode: 1 }).on("docker network create", {
      exitCode: 1,
      stderr: "network with name kit-demo-tf-sandbox already exists",
    });
    expect(await ensureSandboxNetwork("demo", undefined, raced)).toBe("kit-demo-tf-sandbox");
  });

  it("refuses a network of that name that is not isolated, naming how to fix it", async () => {
    const open = new FakeExecer().on(inspect, { stdout: "false {}\n" });
    await expect(ensureSandboxNetwork("demo", undefined, open)).rejects.toThrow(
      /not an isolated internal network/,
    );
    const old = new FakeExecer()
      .on("docker network create", { exitCode: 1, stderr: "invalid option" })
      .on(inspect, {
        exitCode: 1,
      });
    await expect(ensureSandboxNetwork("demo", undefined, old)).rejects.toThrow(
      /creating the sandbox network/,
    );
  });

  it("removes the project's sandboxes, then detaches everything from its network and removes it", async () => {
    const execer = new FakeExecer()
      .on("docker container ls", { stdout: "c1\nc2\n" })
      .on("docker container rm")
      .on("docker network ls", { stdout: "n1\n" })
      .on("docker network inspect n1", { stdout: "aws-container\n" })
      .on("docker network disconnect")
      .on("docker network rm");
    await removeTerraformSandboxes("demo", undefined, execer);
    expect(execer.commands().map((c) => c.split(" --filter")[0])).toEqual([
      "docker container ls -aq",
      "docker container rm --force c1 c2",
      "docker network ls -q",
      expect.stringMatching(/^docker network inspect n1/),
      "docker network disconnect --force n1 aws-container",
      "docker network rm n1",
    ]);
    expect(execer.calls[0]?.args).toContain("label=dev.kit.project=demo");
  });
});

describe("the sandbox's environment", () => {
  it("holds only kit's variables and the names passEnv lists, whatever the shell has", () => {
    const env = sandboxEnv({
      emulator,
      passEnv: ["TF_LOG", "MISSING"],
      env: {
        TF_LOG: "DEBUG",
        HOME: "/home/me",
        AWS_PROFILE: "prod",
        HTTPS_PROXY: "http://proxy",
        TF_VAR_x: "1",
      },
    });
    expect(env.TF_LOG).toBe("DEBUG");
    expect(env.HOME).toBe("/kit/home");
    expect(env.AWS_ENDPOINT_URL).toBe("http://kit-emulator:5000");
    expect(Object.keys(env).sort()).toEqual(
      [
        "AWS_ACCESS_KEY_ID",
        "AWS_DEFAULT_REGION",
        "AWS_EC2_METADATA_DISABLED",
        "AWS_ENDPOINT_URL",
        "AWS_REGION",
        "AWS_SECRET_ACCESS_KEY",
        "CHECKPOINT_DISABLE",
        "HOME",
        "TF_CLI_CONFIG_FILE",
        "TF_DATA_DIR",
        "TF_INPUT",
        "TF_IN_AUTOMATION",
        "TF_LOG",
      ].sort(),
    );
  });
  it("aims at the emulator's alias and installs providers from the mirror only", () => {
    expect(sandboxEndpoint(emulator)).toBe("http://kit-emulator:5000");
    expect(sandboxCliConfig()).toContain('path    = "/kit/mirror"');
    expect(sandboxCliConfig()).not.toContain("direct");
  });
});

describe("assertRunsInSandbox", () => {
  it("refuses a shell shim and a dynamically linked binary, naming the fix", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kit-bin-"));
    try {
      writeFileSync(join(dir, "terraform"), '#!/bin/sh\nexec tfenv-exec terraform "$@"\n');
      await expect(assertRunsInSandbox(join(dir, "terraform"))).rejects.toThrow(/not a Linux executable/);
      await expect(assertRunsInSandbox(process.execPath)).rejects.toBeInstanceOf(UserError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
