import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UserError } from "../errors.ts";
import { appSourceHash } from "./apps.ts";

const DOCKERIGNORE = ["*_test.go", "**/*.md", "!keep.md", "node_modules", "Dockerfile", ".dockerignore"].join(
  "\n",
);

describe("appSourceHash", () => {
  let root: string;

  const write = (rel: string, text: string): void => {
    const path = join(root, "app", rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  };
  const hash = (): Promise<string> => appSourceHash(root, "app");

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "kit-apps-"));
    write(".dockerignore", DOCKERIGNORE);
    write("Dockerfile", "FROM scratch\nCOPY . /app\n");
    write("main.go", "package main\n");
    write("server_test.go", "package main\n");
    write("README.md", "# app\n");
    write("docs/guide.md", "guide\n");
    write("keep.md", "kept\n");
    write("node_modules/dep/index.js", "module.exports = 1;\n");
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it.each([
    ["a file matched by a glob", "server_test.go"],
    ["a Markdown file at the top", "README.md"],
    ["a Markdown file in a folder (**)", "docs/guide.md"],
    ["a file under an ignored folder", "node_modules/dep/index.js"],
    ["a new file matched by a glob", "handler_test.go"],
  ])("ignores a change to %s", async (_, rel) => {
    const before = await hash();
    write(rel, "changed\n");
    expect(await hash()).toBe(before);
  });

  it.each([
    ["a source file", "main.go"],
    ["a file re-included by !", "keep.md"],
    ["the Dockerfile, though it is .dockerignored", "Dockerfile"],
    ["a new source file", "internal/handler.go"],
  ])("changes with %s", async (_, rel) => {
    const before = await hash();
    write(rel, "changed\n");
    expect(await hash()).not.toBe(before);
  });

  it("matches case-sensitively, as Docker on Linux does", async () => {
    const before = await hash();
    write("NOTES.MD", "upper-case extension\n");
    expect(await hash()).not.toBe(before);
  });

  it("walks an ignored folder when an exception can bring a file back", async () => {
    write(".dockerignore", "vendor\n!vendor/modules.txt\n");
    const before = await hash();
    write("vendor/lib/lib.go", "ignored\n");
    expect(await hash()).toBe(before);
    write("vendor/modules.txt", "re-included\n");
    expect(await hash()).not.toBe(before);
  });

  it("hashes everything when there is no .dockerignore", async () => {
    rmSync(join(root, "app", ".dockerignore"));
    const before = await hash();
    write("server_test.go", "changed\n");
    expect(await hash()).not.toBe(before);
  });

  it("hashes where a symbolic link points", async () => {
    symlinkSync("main.go", join(root, "app", "link"));
    const before = await hash();
    rmSync(join(root, "app", "link"));
    symlinkSync("keep.md", join(root, "app", "link"));
    expect(await hash()).not.toBe(before);
  });

  it("fails with a user error when the app folder does not exist", async () => {
    await expect(appSourceHash(root, "missing")).rejects.toBeInstanceOf(UserError);
  });
});
