import { BatchImportFindingsCommand, SecurityHubClient, type AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { awsCall } from '../rules/kernel/errors.js';
import { asffFindings, type AsffFinding } from './report/asff.js';
import type { ScanReport } from './report/model.js';

/** BatchImportFindings takes at most 100 findings per request. */
export const BATCH_SIZE = 100;

export interface SendResult {
  imported: number;
  /** One line per finding or batch Security Hub refused, naming it and why. */
  failures: string[];
  summary: string;
}

/**
 * Imports the report's findings into Security Hub, in each finding's region, with the
 * standard credentials. With the default product ARN Security Hub accepts findings only for
 * the calling account (https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_BatchImportFindings.html),
 * so findings of other accounts come back as failures, named one by one; import those from
 * each account, or use the detections' Security Hub path in the deployed app.
 */
export async function sendToSecurityHub(report: ScanReport, clientFor: (region: string) => SecurityHubClient = (region) => new SecurityHubClient({ region })): Promise<SendResult> {
  const byRegion = new Map<string, AsffFinding[]>();
  for (const finding of asffFindings(report)) {
    const region = finding.Resources[0]?.Region as string;
    byRegion.set(region, [...(byRegion.get(region) ?? []), finding]);
  }
  let imported = 0;
  const failures: string[] = [];
  for (const [region, findings] of byRegion) {
    const client = clientFor(region);
    for (let start = 0; start < findings.length; start += BATCH_SIZE) {
      const batch = findings.slice(start, start + BATCH_SIZE);
      try {
        const response = await awsCall('securityhub:BatchImportFindings', () => client.send(new BatchImportFindingsCommand({ Findings: batch as AwsSecurityFinding[] })));
        imported += response.SuccessCount ?? 0;
        for (const failed of response.FailedFindings ?? []) failures.push(`${region} ${failed.Id}: ${failed.ErrorCode ?? 'error'}: ${failed.ErrorMessage ?? 'no message'}`);
      } catch (error) {
        failures.push(`${region}: batch of ${batch.length} from ${batch[0]?.Id}: ${(error as Error).message}`);
      }
    }
  }
  const total = [...byRegion.values()].reduce((sum, list) => sum + list.length, 0);
  return { imported, failures, summary: `Security Hub: ${imported} of ${total} finding(s) imported in ${byRegion.size} region(s).` };
}
