// The handler against a real PostgreSQL (migrated by node-pg-migrate) and the emulator's S3,
// through the local gateway, as kit serves it.
import { createHash, randomBytes } from "node:crypto";
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateUp } from "../src/migrate.ts";
import { makeBucket, serve, testConfig } from "./helpers.ts";

// A notice of 6 MiB: larger than one chunk of the stream, so it is read in pieces.
const notice = randomBytes(6 * 1024 * 1024);
let api: Awaited<ReturnType<typeof serve>>;

beforeAll(async () => {
  await migrateUp(process.env.DATABASE_URL as string);
  api = await serve(testConfig(await makeBucket("notices", notice)));
});
afterAll(() => api?.close());

describe("migrations", () => {
  it("are applied once: a second run applies nothing, and the table has its columns", async () => {
    expect(await migrateUp(process.env.DATABASE_URL as string)).toEqual([]);
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    const { rows } = await client.query(
      "SELECT column_name FROM information_schema.columns WHERE table_name = 'preferences' ORDER BY 1",
    );
    await client.end();
    expect(rows.map((r) => r.column_name)).toEqual(["choices", "notice_version", "updated_at", "user_id"]);
  });

  it("give the API's database user what the API does to preferences, and nothing more", async () => {
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    const { rows } = await client.query(
      "SELECT privilege_type FROM information_schema.role_table_grants WHERE grantee = 'pmp_api' AND table_name = 'preferences' ORDER BY 1",
    );
    await client.end();
    expect(rows.map((r) => r.privilege_type)).toEqual(["INSERT", "SELECT", "UPDATE"]);
  });
});

describe("the API", () => {
  it("answers /status without touching anything", async () => {
    const res = await fetch(`${api.url}/status`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("is ready when the database answers", async () => {
    expect((await fetch(`${api.url}/readyz`)).status).toBe(200);
  });

  it("records preferences against the notice in force and reads them back with the notice from S3", async () => {
    const user = `u-${Date.now()}`;
    const put = await fetch(`${api.url}/preferences/${user}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ choices: { analytics: false, ads: true } }),
    });
    expect(put.status).toBe(200);
    const saved = (await put.json()) as { noticeVersion: string };
    expect(saved).toMatchObject({ userId: user, choices: { analytics: false, ads: true } });

    const get = await fetch(`${api.url}/preferences/${user}`);
    expect(get.status).toBe(200);
    const body = await get.json();
    expect(body).toMatchObject({
      userId: user,
      choices: { analytics: false, ads: true },
      noticeVersion: saved.noticeVersion,
      current: true,
      notice: {
        key: "notices/current.json",
        bytes: notice.length,
        sha256: createHash("sha256").update(notice).digest("hex"),
      },
    });
  });

  it("answers 404 for a user with no preferences, 400 for a bad body, 405 and 404 for other routes", async () => {
    expect((await fetch(`${api.url}/preferences/nobody-${Date.now()}`)).status).toBe(404);
    const bad = await fetch(`${api.url}/preferences/u1`, { method: "PUT", body: '{"choices": 3}' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toBe("application/problem+json");
    expect(((await bad.json()) as { detail: string }).detail).toMatch(/"choices" must be an object/);
    expect((await fetch(`${api.url}/preferences/u1`, { method: "DELETE" })).status).toBe(405);
    expect((await fetch(`${api.url}/nothing`)).status).toBe(404);
  });

  it("answers 503 naming the object when the notice is missing", async () => {
    const empty = await serve(testConfig(await makeBucket("empty")));
    try {
      const res = await fetch(`${empty.url}/preferences/u1`);
      expect(res.status).toBe(503);
      expect(((await res.json()) as { detail: string }).detail).toMatch(
        /notices\/current.json does not exist/,
      );
    } finally {
      await empty.close();
    }
  });

  it("reports what the third-party API answers, and a 502 when it does not answer in time", async () => {
    const partner = createServer((req, res) => {
      if (req.url === "/slow") return; // never answers
      res.writeHead(204).end();
    });
    partner.listen(0, "127.0.0.1");
    await once(partner, "listening");
    const base = `http://127.0.0.1:${(partner.address() as AddressInfo).port}`;
    const bucket = await makeBucket("partner");
    const ok = await serve(testConfig(bucket, { PARTNER_API_URL: `${base}/health` }));
    const slow = await serve(
      testConfig(bucket, { PARTNER_API_URL: `${base}/slow`, PARTNER_TIMEOUT_MS: "200" }),
    );
    try {
      const a = await fetch(`${ok.url}/partner/status`);
      expect(a.status).toBe(200);
      expect(await a.json()).toMatchObject({ status: 204 });
      const b = await fetch(`${slow.url}/partner/status`);
      expect(b.status).toBe(502);
    } finally {
      await ok.close();
      await slow.close();
      partner.closeAllConnections();
      partner.close();
    }
  });
});
