/**
 * The registry scanning state of a stateful ECR fake (EcrWorld holds the repositories and
 * images): the registry scanning configuration, the effective frequency ECR derives from it per
 * repository, StartImageScan, and Amazon Inspector's account status and findings.
 *
 * Semantics followed:
 * - filters: without a wildcard a filter matches every repository name that contains it; `*`
 *   stands for zero or more characters
 *   (https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-enhanced-enabling.html);
 * - effective frequency: BASIC has only SCAN_ON_PUSH rules; for ENHANCED a CONTINUOUS_SCAN match
 *   wins over SCAN_ON_PUSH; no match is MANUAL
 *   (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_RepositoryScanningConfiguration.html);
 * - StartImageScan starts a basic scan (status IN_PROGRESS), once per image per 24 hours
 *   (LimitExceededException; https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_StartImageScan.html).
 */
import {
  BatchGetRepositoryScanningConfigurationCommand,
  type ECRClient,
  GetRegistryScanningConfigurationCommand,
  LimitExceededException,
  PutRegistryScanningConfigurationCommand,
  type RegistryScanningRule,
  StartImageScanCommand,
} from '@aws-sdk/client-ecr';
import { BatchGetAccountStatusCommand, type Inspector2Client, ListFindingsCommand, type FilterCriteria } from '@aws-sdk/client-inspector2';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import type { EcrWorld } from './ecr-world.js';

export interface ScanningState {
  scanType: 'BASIC' | 'ENHANCED';
  rules: RegistryScanningRule[];
  /** inspector2 resourceState.ecr.status (ENHANCED). */
  inspectorEcrStatus?: string;
  /** Active Inspector findings: repository, image digest, severity, first observed. */
  findings?: Array<{ repositoryName: string; imageHash: string; severity: string; firstObservedAt: Date }>;
  /** The deprecated repository-level scanOnPush flag per repository (reported, not in effect). */
  legacyScanOnPush?: Set<string>;
  /** Digests already scanned within the last 24 hours: StartImageScan refuses them. */
  scannedToday?: Set<string>;
}

/** Whether an ECR scanning filter matches a repository name. */
export function filterMatches(filter: string, name: string): boolean {
  if (!filter.includes('*')) return name.includes(filter);
  const pattern = filter.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*');
  return new RegExp(`^${pattern}$`).test(name);
}

/** The frequency ECR applies to a repository under a registry configuration, and the filters that matched. */
export function effectiveScanning(state: Pick<ScanningState, 'scanType' | 'rules'>, name: string): { scanFrequency: string; appliedScanFilters: string[] } {
  const order = state.scanType === 'ENHANCED' ? ['CONTINUOUS_SCAN', 'SCAN_ON_PUSH'] : ['SCAN_ON_PUSH'];
  for (const frequency of order) {
    for (const rule of state.rules.filter((r) => r.scanFrequency === frequency)) {
      const applied = (rule.repositoryFilters ?? []).map((f) => f.filter ?? '').filter((f) => filterMatches(f, name));
      if (applied.length) return { scanFrequency: frequency, appliedScanFilters: applied };
    }
  }
  return { scanFrequency: 'MANUAL', appliedScanFilters: [] };
}

const matchesString = (criteria: FilterCriteria['severity'], value: string) => !criteria?.length || criteria.some((c) => c.value === value);

/** Installs the scanning calls on the mocked ECR and Inspector clients, over the world's repositories. */
export function installScanning(world: EcrWorld, state: ScanningState, ecrMock: AwsClientStub<ECRClient>, inspectorMock: AwsClientStub<Inspector2Client>): void {
  const ecr = ecrMock as unknown as { on: (command: unknown) => { callsFake: (fn: (input: never) => unknown) => void } };
  const inspector = inspectorMock as unknown as typeof ecr;
  ecr.on(GetRegistryScanningConfigurationCommand).callsFake(() => ({ registryId: '111122223333', scanningConfiguration: structuredClone({ scanType: state.scanType, rules: state.rules }) }));
  ecr.on(PutRegistryScanningConfigurationCommand).callsFake((input: { scanType?: 'BASIC' | 'ENHANCED'; rules?: RegistryScanningRule[] }) => {
    if (input.scanType) state.scanType = input.scanType;
    state.rules = structuredClone(input.rules ?? []);
    return { registryScanningConfiguration: { scanType: state.scanType, rules: state.rules } };
  });
  ecr.on(BatchGetRepositoryScanningConfigurationCommand).callsFake((input: { repositoryNames: string[] }) => {
    const scanningConfigurations = [];
    const failures = [];
    for (const name of input.repositoryNames) {
      const entry = world.repositories.get(name);
      if (!entry) failures.push({ repositoryName: name, failureCode: 'REPOSITORY_NOT_FOUND', failureReason: 'REPOSITORY_NOT_FOUND' });
      else {
        const { scanFrequency, appliedScanFilters } = effectiveScanning(state, name);
        scanningConfigurations.push({ repositoryArn: entry.repository.repositoryArn, repositoryName: name, scanOnPush: state.legacyScanOnPush?.has(name) ?? false, scanFrequency, appliedScanFilters: appliedScanFilters.map((filter) => ({ filter, filterType: 'WILDCARD' })) });
      }
    }
    return { scanningConfigurations, failures };
  });
  ecr.on(StartImageScanCommand).callsFake((input: { repositoryName: string; imageId: { imageDigest?: string } }) => {
    const image = world.repositories.get(input.repositoryName)?.images.find((candidate) => candidate.imageDigest === input.imageId.imageDigest);
    if (!image) throw Object.assign(new Error('The image requested does not exist'), { name: 'ImageNotFoundException' });
    if (state.scannedToday?.has(image.imageDigest!)) {
      throw new LimitExceededException({ message: 'The scan quota per image has been exceeded. Wait and try again.', $metadata: {} });
    }
    image.imageScanStatus = { status: 'IN_PROGRESS' };
    (state.scannedToday ??= new Set()).add(image.imageDigest!);
    return { repositoryName: input.repositoryName, imageId: input.imageId, imageScanStatus: { status: 'IN_PROGRESS' } };
  });
  inspector.on(BatchGetAccountStatusCommand).callsFake((input: { accountIds: string[] }) => ({
    accounts: input.accountIds.map((accountId) => ({
      accountId,
      state: { status: 'ENABLED', errorCode: 'ALREADY_ENABLED', errorMessage: '' },
      resourceState: { ec2: { status: 'DISABLED', errorCode: 'RESOURCE_NOT_FOUND', errorMessage: '' }, ecr: { status: state.inspectorEcrStatus ?? 'DISABLED', errorCode: 'ALREADY_ENABLED', errorMessage: '' } },
    })),
    failedAccounts: [],
  }));
  inspector.on(ListFindingsCommand).callsFake((input: { filterCriteria?: FilterCriteria }) => {
    const criteria = input.filterCriteria ?? {};
    const end = criteria.firstObservedAt?.[0]?.endInclusive;
    const findings = (state.findings ?? [])
      .filter((f) => matchesString(criteria.severity, f.severity) && matchesString(criteria.ecrImageRepositoryName, f.repositoryName))
      .filter((f) => end === undefined || f.firstObservedAt.getTime() <= new Date(end).getTime())
      .map((f) => ({
        severity: f.severity,
        status: 'ACTIVE',
        firstObservedAt: f.firstObservedAt,
        resources: [{ type: 'AWS_ECR_CONTAINER_IMAGE', id: `${f.repositoryName}/${f.imageHash}`, details: { awsEcrContainerImage: { repositoryName: f.repositoryName, imageHash: f.imageHash } } }],
      }));
    return { findings };
  });
}
