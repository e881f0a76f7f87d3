/**
 * The GitLab deploy user's policy (terraform/modules/serverless-api/deployer-policy.json.tftpl),
 * rendered with one environment's values as the module renders it, is evaluated request by
 * request with an IAM policy simulator (@cloud-copilot/iam-simulate: AWS's evaluation logic,
 * its action and ARN catalogue; no AWS account, and moto does not evaluate identity policies).
 * What `serverless deploy` of this one function calls is allowed; the same calls on anything else
 * are denied.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runSimulation, runUnsafeSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import { describe, expect, it } from "vitest";
import { TERRAFORM_DIR } from "./tools.ts";

const ACCOUNT = "123456789012";
const REGION = "eu-west-1";
const STAGE = "dev";
const NAME = `kit-${STAGE}-pmp`;
const FUNCTION = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:pmp-api-${STAGE}-api`;
const BUCKET = `arn:aws:s3:::${NAME}-deployments-${ACCOUNT}`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/${NAME}-lambda`;
const LOG_GROUP = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/pmp-api-${STAGE}-api`;
const STACK = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/pmp-api-${STAGE}`;
const KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1111aaaa-2222-bbbb-3333-cccc4444dddd`;

/** render fills the template's ${name} placeholders as Terraform's templatefile does here. */
function render(values: Record<string, string>): unknown {
  const template = readFileSync(
    join(TERRAFORM_DIR, "modules", "serverless-api", "deployer-policy.json.tftpl"),
    "utf8",
  );
  const text = template.replace(/\$\{([a-z_]+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined)
      throw new Error(`the template asks for \${${name}}, which the test does not set`);
    return value;
  });
  return JSON.parse(text);
}

// The values module serverless-api passes (gitlab.tf), for environment dev.
const policy = render({
  partition: "aws",
  region: REGION,
  account: ACCOUNT,
  stack_arn: `${STACK}/*`,
  bucket_arn: BUCKET,
  bucket_key_arn: KEY,
  artifacts: `serverless/pmp-api/${STAGE}`,
  function_arn: FUNCTION,
  lambda_role_arn: ROLE,
  domain_name: "pmp.dev.kit.example.com",
  log_group_arn: LOG_GROUP,
  ssm_prefix: `/${NAME}`,
});

// A KMS key answers to its key policy first: the keys here keep the default one, which delegates
// to the account's IAM policies (as module s3-bucket's key does).
const DEFAULT_KEY_POLICY = {
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "EnableIamUserPermissions",
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      Action: "kms:*",
      Resource: "*",
    },
  ],
};

/**
 * decide evaluates one request. The simulator's action catalogue lists only REST API (v1) resource
 * types for API Gateway's HTTP verbs, so a request on an HTTP API (v2) resource such as /apis would
 * fail its validation although IAM accepts it: those few are evaluated without the validation.
 */
async function decide(action: string, resource: string, context: Record<string, string> = {}) {
  const simulation: Simulation = {
    identityPolicies: [{ name: "deployer", policy: policy as never }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: action.startsWith("kms:") ? DEFAULT_KEY_POLICY : undefined,
    request: {
      action,
      principal: `arn:aws:iam::${ACCOUNT}:user/ci/${NAME}-gitlab-deployer`,
      resource: { accountId: ACCOUNT, resource },
      contextVariables: context,
    },
  };
  if (action.startsWith("apigateway:") && /::\/(apis|domainnames\/[^/]+\/apimappings)/.test(resource))
    return runUnsafeSimulation(simulation, {});
  const response = await runSimulation(simulation, {});
  if (response.resultType === "error")
    throw new Error(`${action} on ${resource}: ${JSON.stringify(response.errors)}`);
  return response.overallResult;
}

// What serverless v3 calls to deploy this function (its AWS provider's deploy and info plugins).
const DEPLOY: [string, string, Record<string, string>?][] = [
  ["cloudformation:DescribeStacks", `${STACK}/0a1b2c3d`],
  ["cloudformation:CreateChangeSet", `${STACK}/0a1b2c3d`],
  ["cloudformation:ExecuteChangeSet", `${STACK}/0a1b2c3d`],
  ["cloudformation:DescribeStackEvents", `${STACK}/0a1b2c3d`],
  ["cloudformation:ValidateTemplate", "*"],
  ["s3:ListBucket", BUCKET],
  [
    "s3:PutObject",
    `${BUCKET}/serverless/pmp-api/${STAGE}/1764633600000-2026-12-01T00:00:00.000Z/pmp-api.zip`,
  ],
  ["kms:GenerateDataKey", KEY],
  ["lambda:UpdateFunctionCode", FUNCTION],
  ["lambda:UpdateFunctionConfiguration", FUNCTION],
  ["lambda:PublishVersion", FUNCTION],
  ["lambda:AddPermission", FUNCTION],
  ["lambda:PutFunctionConcurrency", FUNCTION],
  ["iam:PassRole", ROLE, { "iam:PassedToService": "lambda.amazonaws.com" }],
  ["apigateway:POST", `arn:aws:apigateway:${REGION}::/apis`],
  ["apigateway:PATCH", `arn:aws:apigateway:${REGION}::/apis/a1b2c3d4e5`],
  ["apigateway:POST", `arn:aws:apigateway:${REGION}::/domainnames/pmp.dev.kit.example.com/apimappings`],
  ["logs:CreateLogGroup", LOG_GROUP],
  ["ec2:DescribeSubnets", "*"],
  ["ssm:GetParameter", `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/${NAME}/db-proxy-endpoint`],
];

// The same kinds of calls on what is not this function's, and what a deploy never needs.
const ELSEWHERE: [string, string, Record<string, string>?][] = [
  ["lambda:UpdateFunctionCode", `arn:aws:lambda:${REGION}:${ACCOUNT}:function:pmp-api-prod-api`],
  ["lambda:UpdateFunctionCode", `arn:aws:lambda:${REGION}:${ACCOUNT}:function:billing`],
  ["lambda:InvokeFunction", FUNCTION],
  ["lambda:DeleteFunction", FUNCTION],
  ["cloudformation:UpdateStack", `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/pmp-api-prod/0a1b2c3d`],
  ["cloudformation:DeleteStack", `${STACK}/0a1b2c3d`],
  ["iam:PassRole", `arn:aws:iam::${ACCOUNT}:role/admin`, { "iam:PassedToService": "lambda.amazonaws.com" }],
  ["iam:PassRole", ROLE, { "iam:PassedToService": "ec2.amazonaws.com" }],
  ["iam:CreateUser", `arn:aws:iam::${ACCOUNT}:user/intruder`],
  ["iam:CreateAccessKey", `arn:aws:iam::${ACCOUNT}:user/ci/${NAME}-gitlab-deployer`],
  ["s3:PutObject", `${BUCKET}/serverless/pmp-api/prod/x.zip`],
  ["s3:GetObject", `arn:aws:s3:::${NAME}-notices-${ACCOUNT}/notices/current.json`],
  ["s3:DeleteBucket", BUCKET],
  ["kms:Decrypt", `arn:aws:kms:${REGION}:${ACCOUNT}:key/other`],
  ["ssm:GetParameter", `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/kit-prod-pmp/db-proxy-endpoint`],
  ["secretsmanager:GetSecretValue", `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:rds!db-1`],
  ["rds-db:connect", `arn:aws:rds-db:${REGION}:${ACCOUNT}:dbuser:prx-0123456789abcdef0/pmp_api`],
  ["apigateway:DELETE", `arn:aws:apigateway:${REGION}::/domainnames/pmp.kit.example.com`],
  ["apigateway:POST", "arn:aws:apigateway:us-east-1::/apis"],
  ["apigateway:POST", `arn:aws:apigateway:${REGION}::/domainnames/pmp.kit.example.com/apimappings`],
  ["logs:DeleteLogGroup", `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/billing`],
  ["ec2:CreateSecurityGroup", `arn:aws:ec2:${REGION}:${ACCOUNT}:security-group/*`],
];

describe("the GitLab deployer's policy (module serverless-api)", () => {
  it.each(DEPLOY)("allows %s on %s", async (action, resource, context) => {
    expect(await decide(action, resource, context)).toBe("Allowed");
  });

  it.each(ELSEWHERE)("denies %s on %s", async (action, resource, context) => {
    expect(await decide(action, resource, context)).toBe("ImplicitlyDenied");
  });
});
