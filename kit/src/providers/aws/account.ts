/**
 * account talks to an AWS environment's account with the AWS SDK: who the caller is (STS
 * GetCallerIdentity) and registry credentials (ECR GetAuthorizationToken). Credentials come from
 * the SDK's default chain (AWS_PROFILE, the role CD assumes). An environment with endpointUrl is
 * a stand-in on an emulator: its calls go there with the emulator's dummy credentials, so real
 * credentials are never sent to anything but AWS.
 */
import type { AwsEnvironmentConfig } from "../../config/schema.ts";
import { KitError } from "../../errors.ts";
import { EMULATOR_CREDENTIALS } from "./types.ts";

/** AwsEnvironmentAccount answers for one environment's account. */
export interface AwsEnvironmentAccount {
  callerIdentity(signal: AbortSignal): Promise<{ account: string; arn: string }>;
  ecrCredentials(
    registry: string,
    signal: AbortSignal,
  ): Promise<{ registry: string; username: string; password: string }>;
}

function clientConfig(env: AwsEnvironmentConfig) {
  return env.endpointUrl
    ? {
        region: env.region,
        endpoint: env.endpointUrl,
        credentials: { ...EMULATOR_CREDENTIALS },
        maxAttempts: 2,
      }
    : { region: env.region, maxAttempts: 3 };
}

function sdkError(doing: string, env: AwsEnvironmentConfig, err: unknown): KitError {
  return new KitError("external", `${doing} failed: ${(err as Error).message ?? String(err)}`, {
    hint: env.endpointUrl
      ? `Is the emulator at ${env.endpointUrl} running?`
      : "Check the AWS credentials in use (aws sts get-caller-identity) and their region.",
    cause: err,
  });
}

/** awsEnvironmentAccount returns the SDK-backed account client of env. */
export function awsEnvironmentAccount(env: AwsEnvironmentConfig): AwsEnvironmentAccount {
  return {
    async callerIdentity(signal) {
      const { STSClient, GetCallerIdentityCommand } = await import("@aws-sdk/client-sts");
      try {
        const out = await new STSClient(clientConfig(env)).send(new GetCallerIdentityCommand({}), {
          abortSignal: signal,
        });
        return { account: out.Account ?? "", arn: out.Arn ?? "" };
      } catch (err) {
        throw sdkError("STS GetCallerIdentity", env, err);
      }
    },
    async ecrCredentials(registry, signal) {
      const { ECRClient, GetAuthorizationTokenCommand } = await import("@aws-sdk/client-ecr");
      try {
        const out = await new ECRClient(clientConfig(env)).send(new GetAuthorizationTokenCommand({}), {
          abortSignal: signal,
        });
        const token = out.authorizationData?.[0]?.authorizationToken;
        if (!token) throw new Error("the answer carried no authorization token");
        const [username = "", password = ""] = Buffer.from(token, "base64").toString("utf8").split(/:(.*)/s);
        return { registry, username, password };
      } catch (err) {
        throw sdkError("ECR GetAuthorizationToken", env, err);
      }
    },
  };
}
