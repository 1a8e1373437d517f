/**
 * The services a VPC needs to pull ECR images privately, their endpoint service names
 * (including FIPS variants) and the DNS names their clients resolve. Pure: no SDK.
 *
 * An image pull talks to three names: `api.ecr.REGION.amazonaws.com` (GetAuthorizationToken),
 * `ACCOUNT.dkr.ecr.REGION.amazonaws.com` (the registry: manifests) and the S3 bucket that
 * holds the layers (`prod-REGION-starport-layer-bucket.s3.REGION.amazonaws.com`).
 */

export type ServiceKey = 'ecr.api' | 'ecr.dkr' | 's3';

/** One required service, as the RequiredServices parameter names it. */
export interface RequiredService {
  key: ServiceKey;
  /** True when the parameter named a FIPS variant: only a FIPS endpoint satisfies it. */
  fips: boolean;
  /** How annotations name it: `ecr.dkr`, `ecr-fips.dkr`, `s3`. */
  label: string;
}

/** Short endpoint service names (after `com.amazonaws.REGION.`) and what they serve. */
const SHORT_NAMES: Record<string, { key: ServiceKey; fips: boolean }> = {
  'ecr.api': { key: 'ecr.api', fips: false },
  'ecr-fips.api': { key: 'ecr.api', fips: true },
  'ecr-fips': { key: 'ecr.api', fips: true },
  'ecr.dkr': { key: 'ecr.dkr', fips: false },
  'ecr-fips.dkr': { key: 'ecr.dkr', fips: true },
  'ecr.dkr-fips': { key: 'ecr.dkr', fips: true },
  'dkr.ecr-fips': { key: 'ecr.dkr', fips: true },
  s3: { key: 's3', fips: false },
  's3-fips': { key: 's3', fips: true },
};

/** What RequiredServices accepts: a short name or a full endpoint service name. */
export const SERVICE_NAME_PATTERN =
  '^((cn\\.)?com\\.amazonaws\\.[a-z0-9-]+\\.)?(ecr\\.api|ecr-fips\\.api|ecr-fips|ecr\\.dkr|ecr-fips\\.dkr|ecr\\.dkr-fips|dkr\\.ecr-fips|s3|s3-fips)$';

const FULL_NAME = /^(?:cn\.)?com\.amazonaws\.([a-z0-9-]+)\.(.+)$/;

/**
 * The service an endpoint service name (`com.amazonaws.eu-west-3.ecr.dkr`) serves, if one of
 * ours, with the region it serves. Cross-region PrivateLink lets a VPC hold an endpoint for
 * another region's ECR or S3 (`com.amazonaws.us-east-1.ecr.dkr` in a eu-west-3 VPC); its
 * private DNS answers that region's names only
 * (https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-cross-region-privatelink-support.html).
 */
export function serviceOfEndpoint(serviceName: string): { key: ServiceKey; fips: boolean; region: string } | undefined {
  const match = FULL_NAME.exec(serviceName);
  const service = match ? SHORT_NAMES[match[2]!] : undefined;
  return service && { ...service, region: match![1]! };
}

/** Parses RequiredServices entries (already validated against SERVICE_NAME_PATTERN), deduplicated. */
export function requiredServices(names: readonly string[]): RequiredService[] {
  const result: RequiredService[] = [];
  for (const name of names) {
    const short = FULL_NAME.exec(name)?.[2] ?? name;
    const service = SHORT_NAMES[short];
    if (!service) continue;
    const label = service.fips ? { 'ecr.api': 'ecr-fips.api', 'ecr.dkr': 'ecr-fips.dkr', s3: 's3-fips' }[service.key] : service.key;
    const existing = result.find((r) => r.key === service.key);
    if (existing) {
      // Asking for both the plain and the FIPS variant means the FIPS one.
      if (service.fips && !existing.fips) Object.assign(existing, { fips: true, label });
      continue;
    }
    result.push({ key: service.key, fips: service.fips, label });
  }
  return result;
}

/**
 * True when an endpoint for `serviceName` satisfies `required` in `region` (the VPC's). The
 * region must be the VPC's own: an endpoint for another region serves that region's names only,
 * and pulls from this region's registry still leave the VPC. The variant must match: a FIPS
 * endpoint's private DNS answers only the FIPS names (`dkr.ecr-fips.REGION...`), so clients
 * using the plain names (`ACCOUNT.dkr.ecr.REGION...`, the default everywhere) still resolve the
 * public endpoint; and a plain endpoint does not serve FIPS names.
 */
export function endpointServes(serviceName: string, required: RequiredService, region: string): boolean {
  const served = serviceOfEndpoint(serviceName);
  return served !== undefined && served.region === region && served.key === required.key && served.fips === required.fips;
}

/** True when the endpoint is for one of the required services, but of another region. */
export function otherRegionEndpoint(serviceName: string, required: RequiredService, region: string): string | undefined {
  const served = serviceOfEndpoint(serviceName);
  return served && served.region !== region && served.key === required.key && served.fips === required.fips ? served.region : undefined;
}

/** The DNS suffix of service endpoints in a partition. */
export function dnsSuffixOf(partition: string): string {
  return partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
}

/**
 * The names a client of the service resolves, the service's own name first. A private hosted
 * zone serves the service when every one of them resolves through it.
 */
export function serviceDnsNames(required: RequiredService, region: string, dnsSuffix: string, accountId: string): string[] {
  switch (required.key) {
    case 'ecr.api':
      return [required.fips ? `ecr-fips.${region}.${dnsSuffix}` : `api.ecr.${region}.${dnsSuffix}`];
    case 'ecr.dkr': {
      const base = required.fips ? `dkr.ecr-fips.${region}.${dnsSuffix}` : `dkr.ecr.${region}.${dnsSuffix}`;
      // Registries are ACCOUNT.dkr.ecr...: the zone needs the registry names too (a wildcard).
      return [base, `${accountId}.${base}`];
    }
    case 's3': {
      const base = required.fips ? `s3-fips.${region}.${dnsSuffix}` : `s3.${region}.${dnsSuffix}`;
      // Layers are served from ECR's regional bucket, addressed virtual-host style.
      return [base, `prod-${region}-starport-layer-bucket.${base}`];
    }
  }
}

/** Normalises a DNS name: lower case, no trailing dot, `\052` as `*`. */
export function normaliseDnsName(name: string): string {
  return name.toLowerCase().replace(/\\052/g, '*').replace(/\.$/, '');
}

/** Zone names that can answer for `name`: the name itself and each parent, down to the DNS suffix's last two labels. */
export function candidateZoneNames(name: string): string[] {
  const labels = normaliseDnsName(name).split('.');
  const names: string[] = [];
  for (let i = 0; i <= labels.length - 2; i++) names.push(labels.slice(i).join('.'));
  return names;
}
