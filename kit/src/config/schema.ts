import { z } from "zod";
import { loadVersions } from "../versions.ts";

/** CONFIG_API_VERSION is the version of kit.config.yaml this kit reads. */
export const CONFIG_API_VERSION = "kit.dev/v1alpha1";

const name = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a DNS label: lower-case letters, digits and '-'");
const port = z.number().int().min(1).max(65535);

/** KIT_SANDBOX_VARIABLES are set by kit in the Terraform sandbox and cannot be passed from the shell. */
const KIT_SANDBOX_VARIABLES = new Set([
  "HOME",
  "PATH",
  "TF_CLI_CONFIG_FILE",
  "TF_DATA_DIR",
  "TF_IN_AUTOMATION",
  "TF_INPUT",
  "CHECKPOINT_DISABLE",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_REGION",
  "AWS_DEFAULT_REGION",
  "AWS_ENDPOINT_URL",
  "AWS_EC2_METADATA_DISABLED",
]);

const passEnvName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name")
  .refine(
    (n) => !KIT_SANDBOX_VARIABLES.has(n),
    "is set by kit in the Terraform sandbox; it cannot be passed",
  );

/** ENVIRONMENT_NAME_MAX_LENGTH keeps names derived from it (kind's node containers, volumes) short. */
export const ENVIRONMENT_NAME_MAX_LENGTH = 40;
/** MAX_PORT_OFFSET keeps the default app ports (30080, 30081) inside Kubernetes' NodePort range (to 32767). */
export const MAX_PORT_OFFSET = 2600;

/** environmentNameSchema is a local environment's name: a DNS label of at most 40 characters. */
export const environmentNameSchema = name.max(
  ENVIRONMENT_NAME_MAX_LENGTH,
  `must be at most ${ENVIRONMENT_NAME_MAX_LENGTH} characters`,
);
/** portOffsetSchema is what every host port of a local environment is shifted by. */
export const portOffsetSchema = z.number().int().min(0).max(MAX_PORT_OFFSET);

/** ImageSource chooses where images come from: pulled from registries, or built locally. */
export const imageSourceSchema = z.enum(["auto", "upstream", "build"]);

const appSchema = z.strictObject({
  /** Folder with the app's source and Dockerfile, relative to the project root. */
  path: z.string().min(1),
  /** Image repository name (without registry or tag). */
  image: name,
  /** Chart folder, relative to the project root. */
  chart: z.string().min(1),
  /** Values files per environment name, applied after the chart's own values.yaml. */
  values: z.record(z.string(), z.array(z.string().min(1))).default({}),
  /** Host port the app's Service is reachable on in the local environment. */
  hostPort: port,
  /** The readiness path checked through the host port. */
  readinessPath: z.string().startsWith("/").default("/readyz"),
  /** Whether the app needs the database (it then gets MONGODB_URL). */
  usesDatabase: z.boolean().default(false),
});

/**
 * A container app's environment variable: a literal, a local Terraform output by name, or what the
 * AWS emulator gives (its endpoint as seen from kit's network, its region, its test credentials).
 */
const containerEnvValueSchema = z.union([
  z.string(),
  z.strictObject({
    terraformOutput: z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, "must be an output name"),
  }),
  z.strictObject({ aws: z.enum(["endpoint", "region", "accessKeyId", "secretAccessKey"]) }),
  /** kit's PostgreSQL (`postgres:` in kit.config.yaml) as the container reaches it on kit's network. */
  z.strictObject({ postgres: z.enum(["url", "host", "port", "user", "password", "database"]) }),
]);

/**
 * containerAppSchema is an app that does not run on Kubernetes (on AWS: ECS Fargate, say): locally
 * kit builds its image the same way and runs it as a container on the environment's network.
 */
const containerAppSchema = z.strictObject({
  /** Folder with the app's source and Dockerfile, relative to the project root. */
  path: z.string().min(1),
  /** Image repository name (without registry or tag). */
  image: name,
  /** The port the app listens on inside its container. */
  port: port.default(8080),
  /** Host port (on 127.0.0.1) the container's port is published on. */
  hostPort: port,
  /** The readiness path checked through the host port. */
  readinessPath: z.string().startsWith("/").default("/readyz"),
  /** The container's environment (the task definition's, locally). */
  env: z
    .record(
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name"),
      containerEnvValueSchema,
    )
    .default({}),
});

const localEnvironmentSchema = z.strictObject({
  type: z.literal("local"),
  terraformDir: z.string().min(1),
  /**
   * The environment's name: every container, volume, cluster and state kit keeps for it carries
   * it. Default: `project`, so every checkout of the project shares one environment.
   */
  name: environmentNameSchema.optional(),
  /** Added to every host port (registry, emulator, database, apps), for a second environment beside the first. */
  portOffset: portOffsetSchema.default(0),
});

/** An app as an AWS environment serves it. */
const awsAppSchema = z.strictObject({
  /** The app's public entry point (the ALB or ingress URL): where rollout and promote send probe traffic. */
  url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL such as https://go.dev.example.com" }),
  /**
   * Helm values set from Terraform outputs, e.g. "service.ingress.alb.certificateArn": "certificate_arn"
   * (an output name, then keys into its value).
   */
  terraformValues: z.record(z.string().min(1), z.string().min(1)).default({}),
});

const awsEnvironmentSchema = z.strictObject({
  type: z.literal("aws"),
  terraformDir: z.string().min(1),
  region: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "must be an AWS region such as eu-west-1"),
  /** The 12-digit account kit may touch; promote refuses any other. */
  accountId: z.string().regex(/^\d{12}$/, "must be the 12-digit AWS account id"),
  /** The kubeconfig context of the EKS cluster. */
  kubeContext: z.string().min(1),
  /** The kubeconfig file; default $KUBECONFIG, else ~/.kube/config. */
  kubeconfig: z.string().min(1).optional(),
  /** The namespace the apps run in. */
  namespace: name.default("apps"),
  /** Require an approval (a TTY confirmation, or --approve) before Terraform applies. */
  requireApproval: z.boolean().default(true),
  /** The environment's image registry: copies go to <host>/<repositoryPrefix><image>. */
  registry: z
    .strictObject({
      /** Registry host; default: the Terraform output named by hostOutput. */
      host: z.string().min(1).optional(),
      hostOutput: z.string().min(1).default("ecr_registry"),
      repositoryPrefix: z.string().default(""),
      /** ecr: credentials from ECR's GetAuthorizationToken; none: an open registry. */
      auth: z.enum(["ecr", "none"]).default("ecr"),
    })
    .default({ hostOutput: "ecr_registry", repositoryPrefix: "", auth: "ecr" }),
  /** The apps this environment serves, with their entry points. */
  apps: z.record(name, awsAppSchema).default({}),
  /** -var values for this environment's Terraform. */
  terraformVars: z.record(z.string().min(1), z.string()).default({}),
  /**
   * Sends every AWS call (STS, ECR, Terraform) to this endpoint instead of AWS: for a stand-in of the
   * environment on an emulator. Real environments leave it unset.
   */
  endpointUrl: z.url({ protocol: /^https?$/ }).optional(),
});

const sloSchema = z.strictObject({
  maxFailedRequests: z.number().int().min(0).default(0),
  maxAbruptStreamCloses: z.number().int().min(0).default(0),
  maxAbruptWebSocketCloses: z.number().int().min(0).default(0),
  requireSlowRequestsComplete: z.boolean().default(true),
  maxReconnectMs: z.number().int().positive().default(2000),
  /** Fail on a pod shutdown that would lose traffic under other timing, not only report it. */
  failOnLatentRisks: z.boolean().default(false),
  /** Fail when a pod is killed at the end of its grace period, even if the kill cut nothing the probe saw. */
  requireExitWithinGrace: z.boolean().default(true),
});

const probeSchema = z.strictObject({
  keepAliveConnections: z.number().int().min(0).default(4),
  freshConnectionsPerSecond: z.number().min(0).default(10),
  requestsPerSecond: z.number().min(0).default(50),
  streams: z.number().int().min(0).default(4),
  webSockets: z.number().int().min(0).default(4),
  slowRequests: z.number().int().min(0).default(8),
  slowRequestMs: z.number().int().positive().default(8000),
});

/** configSchema is the shape of kit.config.yaml; unknown keys are errors at every level. */
export const configSchema = z
  .strictObject({
    apiVersion: z.literal(CONFIG_API_VERSION),
    kind: z.literal("Config"),
    /** Prefix for every name kit creates (cluster, containers, networks). */
    project: name,
    images: z
      .strictObject({
        source: imageSourceSchema.default("auto"),
      })
      .default({ source: "auto" }),
    cluster: z
      .strictObject({
        provider: z.enum(["kind", "existing"]).default("kind"),
        name: name.optional(),
        /** kubeconfig context, for the existing provider. */
        context: z.string().optional(),
        kubernetesVersion: z
          .string()
          .regex(/^v\d+\.\d+\.\d+$/, "must look like v1.34.4")
          .default(loadVersions().kubernetes),
        workers: z.number().int().min(0).max(3).default(0),
      })
      .default({ provider: "kind", kubernetesVersion: loadVersions().kubernetes, workers: 0 }),
    registry: z.strictObject({ hostPort: port.default(5001) }).default({ hostPort: 5001 }),
    aws: z
      .strictObject({
        emulator: z.enum(["auto", "moto", "localstack"]).default("auto"),
        region: z.string().default("us-east-1"),
        hostPort: port.default(4566),
      })
      .default({ emulator: "auto", region: "us-east-1", hostPort: 4566 }),
    database: z
      .strictObject({
        provider: z.enum(["auto", "mongo", "ferretdb"]).default("auto"),
        hostPort: port.default(27017),
        name: z.string().default("orders"),
      })
      .default({ provider: "auto", hostPort: 27017, name: "orders" }),
    /**
     * A PostgreSQL beside the cluster (RDS on AWS), for container apps that ask for it in their env
     * (`{ postgres: url }`). Absent: none runs.
     */
    postgres: z
      .strictObject({
        hostPort: port.default(5432),
        database: z
          .string()
          .regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a lowercase SQL name")
          .default("app"),
        user: z
          .string()
          .regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a lowercase SQL name")
          .default("app"),
      })
      .optional(),
    terraform: z
      .strictObject({
        binary: z.enum(["auto", "terraform", "tofu"]).default("auto"),
        /** Variables of the user's shell passed into the Terraform sandbox; nothing else is. */
        passEnv: z.array(passEnvName).default([]),
      })
      .default({ binary: "auto", passEnv: [] }),
    apps: z
      .record(name, appSchema)
      .refine((apps) => Object.keys(apps).length > 0, "must list at least one app"),
    /** Apps that run as plain containers (ECS on AWS), not as Helm releases. */
    containers: z.record(name, containerAppSchema).default({}),
    environments: z
      .record(name, z.discriminatedUnion("type", [localEnvironmentSchema, awsEnvironmentSchema]))
      .refine((envs) => envs.local?.type === "local", "must define `local` with type: local"),
    promote: z
      .strictObject({
        /** A gate record older than this is not evidence for a promotion. */
        maxGateAgeHours: z.number().positive().default(24),
      })
      .default({ maxGateAgeHours: 24 }),
    rollout: z
      .strictObject({
        slo: sloSchema.default(sloSchema.parse({})),
        probe: probeSchema.default(probeSchema.parse({})),
      })
      .default({ slo: sloSchema.parse({}), probe: probeSchema.parse({}) }),
  })
  .superRefine((config, ctx) => {
    // Every host port of the local environment is one listener: two fields on one port fail late, in kit up.
    const holders = new Map<number, string>();
    const ports: [string[], number][] = [
      [["registry", "hostPort"], config.registry.hostPort],
      [["aws", "hostPort"], config.aws.hostPort],
      [["database", "hostPort"], config.database.hostPort],
      ...(config.postgres
        ? [[["postgres", "hostPort"], config.postgres.hostPort] as [string[], number]]
        : []),
      ...Object.entries(config.apps).map(([app, a]): [string[], number] => [
        ["apps", app, "hostPort"],
        a.hostPort,
      ]),
      ...Object.entries(config.containers).map(([app, a]): [string[], number] => [
        ["containers", app, "hostPort"],
        a.hostPort,
      ]),
    ];
    for (const [app, container] of Object.entries(config.containers)) {
      for (const [key, value] of Object.entries(container.env)) {
        if (typeof value === "object" && "postgres" in value && !config.postgres)
          ctx.addIssue({
            code: "custom",
            path: ["containers", app, "env", key],
            message:
              "asks for kit's PostgreSQL, but kit.config.yaml has no `postgres:`; add `postgres: {}` (see docs/configuration.md)",
          });
      }
      if (config.apps[app])
        ctx.addIssue({
          code: "custom",
          path: ["containers", app],
          message: `"${app}" is also under apps; an app is either a Helm release or a container, not both`,
        });
    }
    for (const [path, port] of ports) {
      const first = holders.get(port);
      if (first) {
        ctx.addIssue({
          code: "custom",
          path,
          message: `port ${port} is also ${first}'s; each host port must differ`,
        });
      } else {
        holders.set(port, path.join("."));
      }
    }
  });

/** KitConfig is a loaded, validated and defaulted kit.config.yaml. */
export type KitConfig = z.infer<typeof configSchema>;
/** EnvironmentConfig is one entry of `environments`. */
export type EnvironmentConfig = KitConfig["environments"][string];
/** AwsEnvironmentConfig is an environment of type aws. */
export type AwsEnvironmentConfig = Extract<EnvironmentConfig, { type: "aws" }>;
/** ContainerAppConfig is one entry of `containers`. */
export type ContainerAppConfig = KitConfig["containers"][string];
/** ContainerEnvValue is one value of a container app's env. */
export type ContainerEnvValue = ContainerAppConfig["env"][string];
/** AppConfig is one entry of `apps`. */
export type AppConfig = KitConfig["apps"][string];
