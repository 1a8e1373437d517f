import { paginateGetComplianceDetailsByConfigRule, type ComplianceType, type ConfigServiceClient } from '@aws-sdk/client-config-service';
import { awsCall } from './errors.js';

/** One earlier result of a Config rule, as Config keeps it. */
export interface PreviousResult {
  resourceType: string;
  resourceId: string;
  /** When the evaluated resource state was captured (OrderingTimestamp), else when Config recorded the result. */
  time?: number;
}

/**
 * Every earlier result of a Config rule of the given compliance types, in 100-result pages.
 * Config keeps these for us, so rules need no state of their own (and no write permission).
 */
export async function previousResults(config: ConfigServiceClient, configRuleName: string, complianceTypes: ComplianceType[]): Promise<PreviousResult[]> {
  const results: PreviousResult[] = [];
  await awsCall('config:GetComplianceDetailsByConfigRule', async () => {
    const pages = paginateGetComplianceDetailsByConfigRule({ client: config, pageSize: 100 }, { ConfigRuleName: configRuleName, ComplianceTypes: complianceTypes });
    for await (const page of pages) {
      for (const result of page.EvaluationResults ?? []) {
        const identifier = result.EvaluationResultIdentifier;
        const qualifier = identifier?.EvaluationResultQualifier;
        if (!qualifier?.ResourceType || !qualifier.ResourceId) continue;
        const time = (identifier?.OrderingTimestamp ?? result.ResultRecordedTime)?.getTime();
        results.push({ resourceType: qualifier.ResourceType, resourceId: qualifier.ResourceId, ...(time !== undefined ? { time } : {}) });
      }
    }
  });
  return results;
}
