import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { type Config, loadConfig } from "../src/config.ts";
import { createDeps, type Deps, route } from "../src/handler.ts";
import { createGateway } from "../src/local/gateway.ts";

/** testConfig is the handler's config for the test services, with a bucket of the test's own. */
export function testConfig(bucket: string, extra: Record<string, string> = {}): Config {
  return loadConfig({ ...process.env, NOTICES_BUCKET: bucket, ...extra });
}

/** s3 is a client of the emulator. */
export function s3(): S3Client {
  return new S3Client({
    endpoint: process.env.AWS_ENDPOINT_URL,
    forcePathStyle: true,
    region: process.env.AWS_REGION || "us-east-1",
    credentials: {
      accessKeyId: process.env.AWS_ACCESS_KEY_ID || "test",
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY || "test",
    },
  });
}

/** makeBucket creates a bucket named after the test, optionally with a notice in it. */
export async function makeBucket(name: string, notice?: Buffer): Promise<string> {
  const bucket = `${name}-${process.pid}-${Date.now()}`;
  const client = s3();
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  if (notice)
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: "notices/current.json", Body: notice }));
  client.destroy();
  return bucket;
}

/** serve runs the handler behind the local gateway on a free port. */
export async function serve(config: Config): Promise<{ url: string; deps: Deps; close(): Promise<void> }> {
  const deps = createDeps(config);
  const server = createGateway((event) => route(deps, event));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    deps,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await deps.store.close();
      deps.s3.destroy();
    },
  };
}
