/**
 * ecr-image-scanning cases: the registry's BASIC scan-on-push rule covers some repositories
 * and not others (https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-basic-enabling.html),
 * checked with the rule's default parameters. The repositories exist before the registry
 * configuration is written, as in an estate that adopts scanning later; the effective
 * configuration ECR reports per repository decides.
 */
import { PutRegistryScanningConfigurationCommand } from '@aws-sdk/client-ecr';
import { unique } from '../support/emulator.js';
import { createRepository, EXEMPTION_TAG_KEY, pushImage } from './ecr-helpers.js';
import type { GroundTruth, RuleSeed } from './types.js';

export const seed: RuleSeed = {
  ruleId: 'ecr-image-scanning',
  async seed(ctx) {
    const truth: GroundTruth = {};
    const prefix = unique('scanned');
    const scanned = await createRepository(ctx, `${prefix}-app`);
    truth[scanned] = { complianceType: 'COMPLIANT', case: 'BASIC scan on push through a matching registry filter' };

    const unscanned = await createRepository(ctx, unique('unscanned'));
    truth[unscanned] = { complianceType: 'NON_COMPLIANT', case: 'no registry rule matches: pushes are not scanned (MANUAL)' };

    const legacyOnly = await createRepository(ctx, unique('legacy-flag'), { imageScanningConfiguration: { scanOnPush: true } });
    truth[legacyOnly] = { complianceType: 'NON_COMPLIANT', case: 'repository-level scanOnPush set, but the registry configuration that ECR applies says MANUAL' };

    // Pushes not scanned, and an image in use without scan results. EnableEcrImageScanning adds
    // the repository to scan on push and starts a basic scan (StartImageScan, which the emulator
    // accepts). Deviation: the emulator's DescribeImages never reports imageScanStatus, so the
    // image stays "never scanned" here and the run must end Failed naming it; in AWS the image
    // is IN_PROGRESS after StartImageScan (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_StartImageScan.html),
    // which the rule reads as a pending scan: that path is tested against the fake in
    // test/automations/remediation-loop.test.ts.
    const withImage = await createRepository(ctx, unique('unscanned-image'));
    await pushImage(ctx, withImage, 'v1', 2);
    truth[withImage] = { complianceType: 'NON_COMPLIANT', case: 'pushes not scanned, one image in use never scanned' };

    const exempt = await createRepository(ctx, unique('scan-exempt'), { tags: [{ Key: EXEMPTION_TAG_KEY, Value: 'mirror of a vendor registry, scanned upstream' }] });
    truth[exempt] = { complianceType: 'NOT_APPLICABLE', case: 'exempt by tag' };

    await ctx.clients.ecr.send(
      new PutRegistryScanningConfigurationCommand({
        scanType: 'BASIC',
        rules: [{ scanFrequency: 'SCAN_ON_PUSH', repositoryFilters: [{ filter: `${prefix}-*`, filterType: 'WILDCARD' }] }],
      }),
    );
    return truth;
  },
};
