import { ecrEvent } from '../kernel/samples.js';
import type { Detection } from '../kernel/types.js';

// Record shape: https://docs.aws.amazon.com/AmazonECR/latest/userguide/logging-using-cloudtrail.html; parameter names: the API reference pages cited in detection.ts.
const source = 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/logging-using-cloudtrail.html';

export const samples: Detection['samples'] = {
  positive: [
    { name: 'scan on push off', source, event: ecrEvent('PutImageScanningConfiguration', { repositoryName: 'payments/api', imageScanningConfiguration: { scanOnPush: false } }) },
    { name: 'registry rules emptied', source, event: ecrEvent('PutRegistryScanningConfiguration', { scanType: 'BASIC', rules: [] }) },
    { name: 'registry scans one prefix only', source, event: ecrEvent('PutRegistryScanningConfiguration', { scanType: 'ENHANCED', rules: [{ scanFrequency: 'CONTINUOUS_SCAN', repositoryFilters: [{ filter: 'prod-*', filterType: 'WILDCARD' }] }] }) },
  ],
  negative: [
    { name: 'scan on push on', source, event: ecrEvent('PutImageScanningConfiguration', { repositoryName: 'payments/api', imageScanningConfiguration: { scanOnPush: true } }) },
    { name: 'registry scans everything continuously', source, event: ecrEvent('PutRegistryScanningConfiguration', { scanType: 'ENHANCED', rules: [{ scanFrequency: 'CONTINUOUS_SCAN', repositoryFilters: [{ filter: '*', filterType: 'WILDCARD' }] }] }) },
  ],
};
