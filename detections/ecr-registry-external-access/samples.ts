import { ecrEvent, ORG_PEER, OUTSIDE_ACCOUNT, SAMPLE_ACCOUNT } from '../kernel/samples.js';
import type { Detection } from '../kernel/types.js';

// Record shape: https://docs.aws.amazon.com/AmazonECR/latest/userguide/logging-using-cloudtrail.html; parameter names: the API reference pages cited in detection.ts.
const source = 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/logging-using-cloudtrail.html';
const replicateTo = (registryId: string) => ({ replicationConfiguration: { rules: [{ destinations: [{ region: 'eu-west-1', registryId }] }] } });
const registryPolicy = (account: string) => ({ policyText: JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'ReplicationAccess', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: ['ecr:CreateRepository', 'ecr:ReplicateImage'], Resource: `arn:aws:ecr:eu-west-3:${SAMPLE_ACCOUNT}:repository/*` }] }) });

export const samples: Detection['samples'] = {
  positive: [
    { name: 'replication to an outside account', source, event: ecrEvent('PutReplicationConfiguration', replicateTo(OUTSIDE_ACCOUNT)) },
    { name: 'registry policy for an outside account', source, event: ecrEvent('PutRegistryPolicy', registryPolicy(OUTSIDE_ACCOUNT)) },
  ],
  negative: [
    { name: 'replication within the organisation', source, event: ecrEvent('PutReplicationConfiguration', replicateTo(ORG_PEER)) },
    { name: 'registry policy for an organisation account', source, event: ecrEvent('PutRegistryPolicy', registryPolicy(ORG_PEER)) },
    { name: 'cross-region replication in the same account', source, event: ecrEvent('PutReplicationConfiguration', replicateTo(SAMPLE_ACCOUNT)) },
  ],
};
