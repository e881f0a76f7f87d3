import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FakeExecer } from "../../exec/execer.ts";
import { createHelmCli } from "./client.ts";

const cluster = { kubeconfigPath: "/state/kubeconfig", context: "kind-kit" };
const kube = "--kubeconfig /state/kubeconfig --kube-context kind-kit";

describe("the helm CLI, run through a fake", () => {
  it("finds a release by its exact name, and none when helm lists nothing", async () => {
    const helm = new FakeExecer().on("helm list", {
      stdout: JSON.stringify([
        {
          name: "go-app",
          namespace: "kit",
          revision: "3",
          status: "deployed",
          chart: "go-app-0.1.0",
          app_version: "1",
        },
      ]),
    });
    const cli = createHelmCli(helm);
    expect(await cli.getRelease(cluster, "kit", "go-app")).toMatchObject({
      revision: "3",
      status: "deployed",
    });
    expect(helm.commands()).toEqual([`helm list -n kit -o json --filter '^go-app$' -a ${kube}`]);
    helm.on("helm list", { stdout: "[]\n" });
    expect(await cli.getRelease(cluster, "kit", "go-app")).toBeUndefined();
  });

  it("passes kit's computed values as a file after the values files, and removes the file after", async () => {
    let valuesFile = "";
    let valuesText = "";
    const helm = new FakeExecer().on("helm upgrade", (call) => {
      // The computed values come after the values files: the second -f.
      const files = call.args.flatMap((arg, i) => (call.args[i - 1] === "-f" ? [arg] : []));
      expect(files[0]).toBe("charts/go-app/values-local.yaml");
      valuesFile = files[1] ?? "";
      valuesText = readFileSync(valuesFile, "utf8");
      return { stdout: 'Release "go-app" has been upgraded.\n' };
    });
    const lines: string[] = [];
    await createHelmCli(helm).upgrade(
      cluster,
      {
        release: "go-app",
        chart: "charts/go-app",
        namespace: "kit",
        valuesFiles: ["charts/go-app/values-local.yaml"],
        set: { "service.image.digest": "sha256:abc" },
        setTyped: { "service.service.nodePort": "30080" },
      },
      { onLine: (line) => lines.push(line) },
    );
    const [call] = helm.calls;
    expect(call?.args.slice(0, 8)).toEqual([
      "upgrade",
      "--install",
      "go-app",
      "charts/go-app",
      "-n",
      "kit",
      "--create-namespace",
      "-f",
    ]);
    expect(call?.args).toEqual(expect.arrayContaining(["--set", "service.service.nodePort=30080", "--wait"]));
    expect(JSON.parse(valuesText)).toEqual({ service: { image: { digest: "sha256:abc" } } });
    expect(existsSync(valuesFile)).toBe(false);
    expect(lines).toEqual(['Release "go-app" has been upgraded.']);
  });

  it("removes the values file when the upgrade fails, and says what to look at", async () => {
    let valuesFile = "";
    const helm = new FakeExecer().on("helm upgrade", (call) => {
      valuesFile = call.args.at(call.args.indexOf("--wait") - 1) ?? "";
      return { exitCode: 1, stderr: "Error: UPGRADE FAILED: context deadline exceeded\n" };
    });
    const upgrade = createHelmCli(helm).upgrade(cluster, {
      release: "node-app",
      chart: "charts/node-app",
      namespace: "kit",
      valuesFiles: [],
      set: { "service.image.digest": "sha256:def" },
    });
    await expect(upgrade).rejects.toMatchObject({
      message: "helm exited with code 1",
      outputTail: ["Error: UPGRADE FAILED: context deadline exceeded"],
      hint: expect.stringContaining("kubectl --kubeconfig /state/kubeconfig -n kit get pods,events"),
    });
    expect(valuesFile).toMatch(/kit-computed-values\.json$/);
    expect(existsSync(valuesFile)).toBe(false);
  });

  it("reads history oldest first, an absent release as no history, and fails on other errors", async () => {
    const helm = new FakeExecer().on("helm history", {
      stdout: JSON.stringify([
        {
          revision: 1,
          status: "superseded",
          chart: "go-app-0.1.0",
          description: "Install complete",
          updated: "x",
        },
        {
          revision: 2,
          status: "deployed",
          chart: "go-app-0.1.0",
          description: "Upgrade complete",
          updated: "y",
        },
      ]),
    });
    const cli = createHelmCli(helm);
    expect(await cli.history(cluster, "kit", "go-app")).toEqual([
      { revision: 1, status: "superseded", chart: "go-app-0.1.0", description: "Install complete" },
      { revision: 2, status: "deployed", chart: "go-app-0.1.0", description: "Upgrade complete" },
    ]);
    helm.on("helm history", { exitCode: 1, stderr: "Error: release: not found\n" });
    expect(await cli.history(cluster, "kit", "go-app")).toEqual([]);
    helm.on("helm history", { exitCode: 1, stderr: "Error: Kubernetes cluster unreachable\n" });
    await expect(cli.history(cluster, "kit", "go-app")).rejects.toThrow(
      "helm history go-app failed: Error: Kubernetes cluster unreachable",
    );
  });

  it("rolls back to a revision and waits, and uninstalls without failing on an absent release", async () => {
    const helm = new FakeExecer().on("helm rollback").on("helm uninstall");
    const cli = createHelmCli(helm);
    await cli.rollback(cluster, "apps", "go-app", 4, { timeout: "3m" });
    await cli.uninstall(cluster, "apps", "go-app");
    expect(helm.commands()).toEqual([
      `helm rollback go-app 4 -n apps --wait --timeout 3m ${kube}`,
      `helm uninstall go-app -n apps --ignore-not-found --wait ${kube}`,
    ]);
  });

  it("does not run helm when already cancelled", async () => {
    const cancel = new AbortController();
    cancel.abort();
    const helm = new FakeExecer().on("helm get values", { stdout: "{}" });
    await expect(createHelmCli(helm).getValues(cluster, "kit", "go-app", cancel.signal)).rejects.toThrow(
      /cancelled/,
    );
  });
});
