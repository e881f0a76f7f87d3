/**
 * env-overrides is the one place kit reads the environment variables that override what
 * kit.config.yaml chooses for images, the AWS emulator and the database, or hand a provider what
 * the file has no field for (a LocalStack token, a database image). Providers never read the
 * environment: the CLI reads it here once, applies the overrides to the loaded config (env over
 * file over `auto`), and passes the rest to the providers as plain options.
 */
import { UserError } from "../errors.ts";
import type { KitConfig } from "./schema.ts";

/** ImagesSourceSetting is what images.source and KIT_IMAGES_SOURCE may say. */
type ImagesSourceSetting = KitConfig["images"]["source"];
/** AwsEmulatorSetting is what aws.emulator and KIT_AWS_EMULATOR may say. */
type AwsEmulatorSetting = KitConfig["aws"]["emulator"];
/** DatabaseProviderSetting is what database.provider and KIT_DATABASE_PROVIDER may say. */
type DatabaseProviderSetting = KitConfig["database"]["provider"];

/** EnvOverrides are the override variables that are set, validated; an absent one is undefined. */
export interface EnvOverrides {
  /** KIT_IMAGES_SOURCE: overrides images.source. */
  imagesSource?: ImagesSourceSetting;
  /** KIT_AWS_EMULATOR: overrides aws.emulator. */
  awsEmulator?: AwsEmulatorSetting;
  /** KIT_DATABASE_PROVIDER: overrides database.provider. */
  databaseProvider?: DatabaseProviderSetting;
  /** KIT_DATABASE_IMAGE: the image the database provider runs instead of its default. */
  databaseImage?: string;
  /** LOCALSTACK_AUTH_TOKEN: makes `auto` pick LocalStack, and is handed to its container. */
  localstackToken?: string;
}

/** EnvSource is where the variables are read from: process.env at the top level, a plain object in tests. */
export type EnvSource = Readonly<Record<string, string | undefined>>;

function oneOf<T extends string>(
  env: EnvSource,
  variable: string,
  allowed: readonly T[],
  hint: string,
): T | undefined {
  const value = env[variable];
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UserError(`${variable}=${value} is not one of ${allowed.join(", ")}.`, { hint });
}

/** nonEmpty treats a variable set to the empty string as unset, as a shell `VAR=` means. */
function nonEmpty(env: EnvSource, variable: string): string | undefined {
  return env[variable] || undefined;
}

/**
 * readEnvOverrides reads and validates the override variables from env (pass process.env at the
 * top level); a value outside a variable's choices is a user error naming the variable.
 */
export function readEnvOverrides(env: EnvSource): EnvOverrides {
  return {
    imagesSource: oneOf(
      env,
      "KIT_IMAGES_SOURCE",
      ["auto", "upstream", "build"],
      "Unset it or set it to `build` (make every image locally) or `upstream` (pull published images).",
    ),
    awsEmulator: oneOf(
      env,
      "KIT_AWS_EMULATOR",
      ["auto", "moto", "localstack"],
      "Unset it, or set it to moto (needs nothing) or localstack.",
    ),
    databaseProvider: oneOf(
      env,
      "KIT_DATABASE_PROVIDER",
      ["auto", "mongo", "ferretdb"],
      "Unset it or set it to mongo or ferretdb.",
    ),
    databaseImage: nonEmpty(env, "KIT_DATABASE_IMAGE"),
    localstackToken: nonEmpty(env, "LOCALSTACK_AUTH_TOKEN"),
  };
}

/** applyEnvOverrides returns config with the overrides that have a config field put in place of the file's values. */
export function applyEnvOverrides(config: KitConfig, overrides: EnvOverrides): KitConfig {
  return {
    ...config,
    images: { ...config.images, source: overrides.imagesSource ?? config.images.source },
    aws: { ...config.aws, emulator: overrides.awsEmulator ?? config.aws.emulator },
    database: { ...config.database, provider: overrides.databaseProvider ?? config.database.provider },
  };
}
