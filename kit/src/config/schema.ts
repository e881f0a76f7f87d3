import { z } from "zod";

/** CONFIG_API_VERSION is the version of kit.config.yaml this kit reads. */
export const CONFIG_API_VERSION = "kit.dev/v1alpha1";

const name = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a DNS label: lower-case letters, digits and '-'");
const port = z.number().int().min(1).max(65535);

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

const localEnvironmentSchema = z.strictObject({
  type: z.literal("local"),
  terraformDir: z.string().min(1),
});

const awsEnvironmentSchema = z.strictObject({
  type: z.literal("aws"),
  terraformDir: z.string().min(1),
  region: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "must be an AWS region such as eu-west-1"),
  /** The 12-digit account kit may touch; promote refuses any other. */
  accountId: z.string().regex(/^\d{12}$/, "must be the 12-digit AWS account id"),
  /** The kubeconfig context of the EKS cluster. */
  kubeContext: z.string().min(1),
  /** Require typing the environment name before applying. */
  requireApproval: z.boolean().default(true),
});

const sloSchema = z.strictObject({
  maxFailedRequests: z.number().int().min(0).default(0),
  maxAbruptStreamCloses: z.number().int().min(0).default(0),
  maxAbruptWebSocketCloses: z.number().int().min(0).default(0),
  requireSlowRequestsComplete: z.boolean().default(true),
  maxReconnectMs: z.number().int().positive().default(2000),
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
export const configSchema = z.strictObject({
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
        .default("v1.34.4"),
      workers: z.number().int().min(0).max(3).default(0),
    })
    .default({ provider: "kind", kubernetesVersion: "v1.34.4", workers: 0 }),
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
  terraform: z
    .strictObject({ binary: z.enum(["auto", "terraform", "tofu"]).default("auto") })
    .default({ binary: "auto" }),
  apps: z
    .record(name, appSchema)
    .refine((apps) => Object.keys(apps).length > 0, "must list at least one app"),
  environments: z
    .record(name, z.discriminatedUnion("type", [localEnvironmentSchema, awsEnvironmentSchema]))
    .refine((envs) => envs.local?.type === "local", "must define `local` with type: local"),
  rollout: z
    .strictObject({
      slo: sloSchema.default(sloSchema.parse({})),
      probe: probeSchema.default(probeSchema.parse({})),
    })
    .default({ slo: sloSchema.parse({}), probe: probeSchema.parse({}) }),
});

/** KitConfig is a loaded, validated and defaulted kit.config.yaml. */
export type KitConfig = z.infer<typeof configSchema>;
/** AppConfig is one entry of `apps`. */
export type AppConfig = KitConfig["apps"][string];
