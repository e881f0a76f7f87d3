import { describe, expect, it } from "vitest";
import { UserError } from "../errors.ts";
import { FakeExecer } from "../exec/execer.ts";
import { createDockerCli } from "./docker.ts";

describe("the docker CLI, run through a fake", () => {
  it("builds with BuildKit, kit's label, build args and named contexts, the context last", async () => {
    const execer = new FakeExecer().on("docker buildx build");
    await createDockerCli(execer).buildImage({
      tag: "kit.local/go-app:1",
      context: "apps/go-app",
      dockerfile: "apps/go-app/Dockerfile",
      target: "runtime",
      buildArgs: { BASE: "kit.local/base:1" },
      labels: { "dev.kit.stage": "app" },
      contexts: { hostca: "/tmp/ca" },
    });
    expect(execer.calls[0]?.args).toEqual([
      "buildx",
      "build",
      "--load",
      "--progress",
      "plain",
      "-t",
      "kit.local/go-app:1",
      "-f",
      "apps/go-app/Dockerfile",
      "--target",
      "runtime",
      "--build-arg",
      "BASE=kit.local/base:1",
      "--label",
      "dev.kit.managed=true",
      "--label",
      "dev.kit.stage=app",
      "--build-context",
      "hostca=/tmp/ca",
      "apps/go-app",
    ]);
  });

  it("says an image exists by inspect's exit code, and returns its id", async () => {
    const execer = new FakeExecer()
      .on("docker image inspect --format '{{.Id}}' missing", { exitCode: 1, stderr: "No such image" })
      .on("docker image inspect --format '{{.Id}}' present", { stdout: "sha256:abc\n" });
    const cli = createDockerCli(execer);
    expect(await cli.imageExists("missing")).toBe(false);
    expect(await cli.imageExists("present")).toBe(true);
    expect(await cli.imageId("present")).toBe("sha256:abc");
    await expect(cli.imageId("missing")).rejects.toThrow(/docker exited with code 1/);
  });

  it("removes a network only when no container uses it, then kit's other unused networks", async () => {
    const inspect = "docker network inspect kind --format '{{len .Containers}}'";
    const absent = new FakeExecer().on(inspect, { exitCode: 1, stderr: "network kind not found" });
    expect(await createDockerCli(absent).removeNetworkIfUnused("kind")).toBe("absent");
    expect(absent.commands()).toEqual([inspect]);

    const used = new FakeExecer().on(inspect, { stdout: "2\n" });
    expect(await createDockerCli(used).removeNetworkIfUnused("kind")).toBe("in use");
    expect(used.commands()).toEqual([inspect]);

    const unused = new FakeExecer()
      .on(inspect, { stdout: "0\n" })
      .on("docker network rm", {})
      .on("docker network ls", { stdout: "n1\nn2\n" });
    expect(await createDockerCli(unused).removeNetworkIfUnused("kind")).toBe("removed");
    expect(unused.commands()).toEqual([
      inspect,
      "docker network rm kind",
      "docker network ls -q --filter label=dev.kit.managed",
      "docker network rm n1",
      "docker network rm n2",
    ]);
  });

  it("refuses to go on without an engine, naming how to start one", async () => {
    const down = new FakeExecer().on("docker version", { exitCode: 1, stderr: "Cannot connect" });
    const error = await createDockerCli(down)
      .requireDocker()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).hint).toMatch(/kit doctor --fix/);
    const up = new FakeExecer().on("docker version", { stdout: "28.5.1\n" });
    expect(await createDockerCli(up).requireDocker()).toBe("28.5.1");
  });
});
