/**
 * Image scanning weakened. PutImageScanningConfiguration (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutImageScanningConfiguration.html):
 * `repositoryName`, `imageScanningConfiguration.scanOnPush`; PutRegistryScanningConfiguration
 * (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutRegistryScanningConfiguration.html):
 * `scanType` (BASIC | ENHANCED), `rules[]` of `scanFrequency` (SCAN_ON_PUSH | CONTINUOUS_SCAN | MANUAL)
 * and `repositoryFilters[]` (`filter`, `filterType` WILDCARD). A registry configuration is weak
 * when no rule scans every repository (`*`) on push or continuously.
 */
import { alertFor, cloudTrailPattern, failed, requestParameters, requiredString } from '../kernel/cloudtrail.js';
import type { Detection } from '../kernel/types.js';
import { samples } from './samples.js';

const AUTOMATIC = ['SCAN_ON_PUSH', 'CONTINUOUS_SCAN'];

function coversEveryRepository(rules: unknown): boolean {
  if (!Array.isArray(rules)) return false;
  return rules.some((rule: { scanFrequency?: unknown; repositoryFilters?: { filter?: unknown }[] }) =>
    AUTOMATIC.includes(String(rule?.scanFrequency)) && Array.isArray(rule.repositoryFilters) && rule.repositoryFilters.some((f) => f?.filter === '*'));
}

export const detection: Detection = {
  id: 'ecr-scanning-weakened',
  title: 'Image scanning weakened',
  severity: 'HIGH',
  relatedRule: 'ecr-image-scanning',
  runbook: 'EnableEcrImageScanning',
  pattern: cloudTrailPattern('aws.ecr', 'ecr.amazonaws.com', ['PutImageScanningConfiguration', 'PutRegistryScanningConfiguration']),
  classify(event) {
    if (failed(event)) return undefined;
    const parameters = requestParameters(event);
    if (event.detail.eventName === 'PutImageScanningConfiguration') {
      const repository = requiredString(event, parameters, 'repositoryName');
      const config = parameters.imageScanningConfiguration as { scanOnPush?: unknown } | undefined;
      if (config?.scanOnPush === true) return undefined;
      return alertFor(detection, event, {
        severity: 'HIGH', resourceType: 'AWS::ECR::Repository', resourceId: repository, change: 'scan on push turned off',
        advice: `New images pushed to ${repository} are no longer scanned on push (Security Hub ECR.1). Run EcrGuardrails-EnableEcrImageScanning for the repository unless registry-level scanning covers it.`,
      });
    }
    if (coversEveryRepository(parameters.rules)) return undefined;
    const scanType = typeof parameters.scanType === 'string' ? parameters.scanType : 'unknown';
    return alertFor(detection, event, {
      severity: 'HIGH', resourceType: 'AWS::ECR::RegistryScanningConfiguration', resourceId: event.account,
      change: `registry scanning set to ${scanType} with no rule scanning every repository on push or continuously`,
      advice: 'Repositories not matched by a SCAN_ON_PUSH or CONTINUOUS_SCAN rule are no longer scanned. Restore a rule with filter "*" (aws ecr put-registry-scanning-configuration).',
    });
  },
  samples,
};
