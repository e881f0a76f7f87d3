// data-api on a real DynamoDB API (kit's emulator): the four endpoints of seed 003 through the app, on a table
// of the test's own, created and deleted here.
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.ts";
import { DynamoItemStore } from "../src/store.ts";
import { dynamoConfig } from "./global-setup.ts";
import { testConfig } from "./helpers.ts";

const TABLE = `data-api-test-${process.pid}-${Date.now()}`;
const admin = new DynamoDBClient(dynamoConfig());
const store = new DynamoItemStore(TABLE, dynamoConfig());
const { app } = buildApp({
  config: testConfig({ table: TABLE, defaultPageSize: 3, maxPageSize: 10 }),
  store,
});

beforeAll(async () => {
  await admin.send(
    new CreateTableCommand({
      TableName: TABLE,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
    }),
  );
});

afterAll(async () => {
  await app.close();
  await admin.send(new DeleteTableCommand({ TableName: TABLE })).catch(() => undefined);
  store.destroy();
  admin.destroy();
});

describe("data-api on DynamoDB", () => {
  it("is ready once the table is ACTIVE, and says why not for a table that does not exist", async () => {
    expect((await app.inject("/readyz")).json()).toEqual({ status: "ready" });
    const missing = new DynamoItemStore(`${TABLE}-missing`, dynamoConfig());
    const other = buildApp({ config: testConfig({ table: `${TABLE}-missing` }), store: missing });
    const res = await other.app.inject("/readyz");
    expect(res.statusCode).toBe(503);
    expect(res.json().reason).toMatch(/DynamoDB: .*(not found|non-existent|does not exist)/i);
    await other.app.close();
    missing.destroy();
  });

  it("creates items, lists every one across pages, deletes one, and 404s it afterwards", async () => {
    const created: string[] = [];
    for (let n = 1; n <= 7; n++) {
      const res = await app.inject({ method: "POST", url: "/data", payload: { n, nested: { ok: true } } });
      expect(res.statusCode).toBe(201);
      created.push(res.json().id);
    }
    const listed: { id: string; data: { n: number; nested: { ok: boolean } } }[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await app.inject({ url: "/data", query: cursor ? { cursor } : {} });
      expect(res.statusCode).toBe(200);
      const body = res.json() as { items: typeof listed; nextCursor?: string };
      expect(body.items.length).toBeLessThanOrEqual(3);
      listed.push(...body.items);
      cursor = body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(listed.map((i) => i.id).sort()).toEqual([...created].sort());
    expect(listed.every((i) => i.data.nested.ok === true)).toBe(true);
    expect(pages).toBeGreaterThanOrEqual(3);

    const victim = created[0] ?? "";
    expect((await app.inject({ method: "DELETE", url: `/data/${victim}` })).statusCode).toBe(204);
    expect((await app.inject({ method: "DELETE", url: `/data/${victim}` })).statusCode).toBe(404);
    const after = await app.inject({ url: "/data?limit=10" });
    expect((after.json().items as { id: string }[]).map((i) => i.id)).not.toContain(victim);
    expect(after.json().items).toHaveLength(6);
  });

  it("answers 400 to bad input without touching the table", async () => {
    const before = (await app.inject({ url: "/data?limit=10" })).json().items.length;
    expect((await app.inject({ method: "POST", url: "/data", payload: [] })).statusCode).toBe(400);
    expect((await app.inject({ method: "DELETE", url: "/data/42" })).statusCode).toBe(400);
    expect((await app.inject({ url: "/data?cursor=%7B" })).statusCode).toBe(400);
    expect((await app.inject({ url: "/data?limit=10" })).json().items.length).toBe(before);
  });
});
