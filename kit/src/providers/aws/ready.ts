/**
 * ready checks an emulator with one real AWS SDK v3 call per service kit needs, retrying until a
 * deadline, and says which service did not answer and its last error. Each service's SDK client is
 * imported when it is first probed: together they take over a second to load.
 */

import { done, notYet, waitUntil } from "../../wait.ts";
import { type AwsService, EMULATOR_CREDENTIALS } from "./types.ts";

/** EmulatorClientConfig is the SDK configuration for a client of the emulator. */
export interface EmulatorClientConfig {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  forcePathStyle: true;
  maxAttempts: number;
}

/** emulatorClientConfig returns SDK client settings aimed at endpoint with the dummy credentials. */
export function emulatorClientConfig(endpoint: string, region: string): EmulatorClientConfig {
  return { endpoint, region, credentials: { ...EMULATOR_CREDENTIALS }, forcePathStyle: true, maxAttempts: 1 };
}

/** probeService makes one real call to one service; it throws what the SDK threw. */
export async function probeService(service: AwsService, endpoint: string, region: string): Promise<void> {
  const config = emulatorClientConfig(endpoint, region);
  const abortSignal = AbortSignal.timeout(5_000);
  switch (service) {
    case "s3": {
      const { S3Client, ListBucketsCommand } = await import("@aws-sdk/client-s3");
      await new S3Client(config).send(new ListBucketsCommand({}), { abortSignal });
      return;
    }
    case "dynamodb": {
      const { DynamoDBClient, ListTablesCommand } = await import("@aws-sdk/client-dynamodb");
      await new DynamoDBClient(config).send(new ListTablesCommand({}), { abortSignal });
      return;
    }
    case "iam": {
      const { IAMClient, ListRolesCommand } = await import("@aws-sdk/client-iam");
      await new IAMClient(config).send(new ListRolesCommand({}), { abortSignal });
      return;
    }
    case "sts": {
      const { STSClient, GetCallerIdentityCommand } = await import("@aws-sdk/client-sts");
      await new STSClient(config).send(new GetCallerIdentityCommand({}), { abortSignal });
      return;
    }
    case "ssm": {
      const { SSMClient, DescribeParametersCommand } = await import("@aws-sdk/client-ssm");
      await new SSMClient(config).send(new DescribeParametersCommand({}), { abortSignal });
      return;
    }
    case "ecr": {
      const { ECRClient, DescribeRepositoriesCommand } = await import("@aws-sdk/client-ecr");
      await new ECRClient(config).send(new DescribeRepositoriesCommand({}), { abortSignal });
      return;
    }
  }
}

/** waitForServices retries a real call per service until all answer or the deadline passes. */
export async function waitForServices(
  endpoint: string,
  region: string,
  services: readonly AwsService[],
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<{ ms: number }> {
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? 120_000;
  const pending = new Set(services);
  const lastErrors = new Map<AwsService, unknown>();
  await waitUntil({
    what: `the AWS emulator at ${endpoint} to serve ${services.join(", ")}`,
    timeoutMs,
    intervalMs: 300,
    signal: options.signal,
    hint: "Look at the emulator's log (`docker logs <container>`); a service that needs a runtime download cannot start offline.",
    async check() {
      await Promise.all(
        [...pending].map(async (service) => {
          try {
            await probeService(service, endpoint, region);
            pending.delete(service);
          } catch (err) {
            lastErrors.set(service, err);
          }
        }),
      );
      if (pending.size === 0) return done(undefined);
      return notYet(
        [...pending]
          .map((s) => `${s}: ${String((lastErrors.get(s) as Error)?.message ?? lastErrors.get(s))}`)
          .join("; "),
      );
    },
  });
  return { ms: Date.now() - started };
}
