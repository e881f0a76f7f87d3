import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../errors.ts";
import { assertRunsInSandbox } from "./binary.ts";
import { sandboxNetworkArgs, sandboxRunArgs } from "./sandbox.ts";
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
