/**
 * versions pins the AWS emulators kit runs: PyPI releases for images built on kit's Debian base,
 * and the published images used where a registry answers. Every value is part of an image tag hash.
 */

/** MOTO_PIN is moto's server from PyPI, with the AWS CLI init hooks use. */
export const MOTO_PIN = {
  version: "5.2.5",
  awscli: "1.46.3",
  upstreamImage: "motoserver/moto:5.2.5",
} as const;

/**
 * LOCALSTACK_PIN is LocalStack's last open-source release (localstack-core 4.14.0 on PyPI, February
 * 2026; the repository was archived in March 2026). The upstream image needs LOCALSTACK_AUTH_TOKEN.
 */
export const LOCALSTACK_PIN = {
  version: "4.14.0",
  upstreamImage: "localstack/localstack:4.14.0",
  /** Dependencies resolve as PyPI stood the day after the release (later cbor2 and pyOpenSSL break it). */
  resolveBefore: "2026-02-27T00:00:00Z",
  uv: "0.13.9",
  /** localstack-core 4.14 uses Python 3.12 syntax (PEP 695); bookworm has 3.11, trixie 3.13. */
  debianSuite: "trixie",
} as const;
