/**
 * versions names the AWS emulators' pins (kit/versions.json `moto`, `localstack`): PyPI releases for
 * images built on kit's Debian base, and the published images used where a registry answers. Every
 * value is part of an image tag hash.
 */
import { loadVersions, type Versions } from "../../versions.ts";

/** MOTO_PIN is moto's server from PyPI, with the AWS CLI init hooks use. */
export const MOTO_PIN: Readonly<Versions["moto"]> = loadVersions().moto;

/**
 * LOCALSTACK_PIN is LocalStack's last open-source release (localstack-core 4.14.0 on PyPI, February
 * 2026; the repository was archived in March 2026). The upstream image needs LOCALSTACK_AUTH_TOKEN.
 */
// resolveBefore: dependencies resolve as PyPI stood the day after the release (later cbor2 and
// pyOpenSSL break it). debianSuite: localstack-core 4.14 uses Python 3.12 syntax (PEP 695);
// bookworm has 3.11, trixie 3.13.
export const LOCALSTACK_PIN: Readonly<Versions["localstack"]> = loadVersions().localstack;
