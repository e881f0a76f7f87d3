import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { connectionFor } from "./kube-read.ts";

const b64 = (s: string) => Buffer.from(s).toString("base64");

/** A kubeconfig as kind writes it: CA and client certificate inline. */
const KIND = `apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: ${b64("CA PEM")}
    server: https://127.0.0.1:41234
  name: kind-kit
- cluster:
    server: https://other:6443/
  name: other
contexts:
- context:
    cluster: kind-kit
    user: kind-kit
  name: kind-kit
- context:
    cluster: other
    user: sso
  name: eks
- context:
    cluster: other
    user: robot
  name: robot
current-context: eks
users:
- name: kind-kit
  user:
    client-certificate-data: ${b64("CERT PEM")}
    client-key-data: ${b64("KEY PEM")}
- name: sso
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: aws
- name: robot
  user:
    token: abc.def
`;

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("connectionFor", () => {
  it("reads kind's context: server, CA and client certificate, whatever the current context is", () => {
    const c = connectionFor(KIND, "kind-kit");
    expect(c?.server).toBe("https://127.0.0.1:41234");
    expect(c?.ca?.toString()).toBe("CA PEM");
    expect(c?.cert?.toString()).toBe("CERT PEM");
    expect(c?.key?.toString()).toBe("KEY PEM");
    expect(c?.insecure).toBe(false);
  });

  it("reads a bearer token, and drops a trailing slash of the server", () => {
    expect(connectionFor(KIND, "robot")).toMatchObject({ server: "https://other:6443", token: "abc.def" });
  });

  it("leaves exec plugins and unknown contexts to the full client", () => {
    expect(connectionFor(KIND, "eks")).toBeUndefined();
    expect(connectionFor(KIND, "nope")).toBeUndefined();
  });

  it("reads certificates from files the kubeconfig names", () => {
    const dir = mkdtempSync(join(tmpdir(), "kube-read-"));
    dirs.push(dir);
    for (const [name, body] of [
      ["ca.crt", "CA FILE"],
      ["client.crt", "CERT FILE"],
      ["client.key", "KEY FILE"],
    ])
      writeFileSync(join(dir, name as string), body as string);
    const config = `clusters:
- name: c
  cluster: { server: "https://10.0.0.1", certificate-authority: ${join(dir, "ca.crt")} }
contexts:
- name: x
  context: { cluster: c, user: u }
users:
- name: u
  user: { client-certificate: ${join(dir, "client.crt")}, client-key: ${join(dir, "client.key")} }
`;
    const c = connectionFor(config, "x");
    expect([c?.ca?.toString(), c?.cert?.toString(), c?.key?.toString()]).toEqual([
      "CA FILE",
      "CERT FILE",
      "KEY FILE",
    ]);
  });

  it("leaves plain http servers and users without credentials to the full client", () => {
    const config = `clusters:
- name: c
  cluster: { server: "http://127.0.0.1:8080" }
- name: d
  cluster: { server: "https://127.0.0.1:8443" }
contexts:
- { name: plain, context: { cluster: c, user: u } }
- { name: anonymous, context: { cluster: d, user: u } }
users:
- { name: u, user: {} }
`;
    expect(connectionFor(config, "plain")).toBeUndefined();
    expect(connectionFor(config, "anonymous")).toBeUndefined();
  });
});
