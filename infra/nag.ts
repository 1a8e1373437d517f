/**
 * cdk-nag 3 runs as a CDK policy-validation plugin (not an Aspect): every `app.synth()` of
 * the admin app and of the member app runs the AWS Solutions and NIST 800-53 rev 5 packs,
 * and an unacknowledged finding fails the synth (the member app: see its context in
 * `synthesizeMemberTemplates`, which keeps that true under the CDK CLI). Acknowledgements are made next to the
 * resource they concern with `Validations.of(construct).acknowledge({ id, reason })`.
 */
import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks, NIST80053R5Checks, type NagPack } from 'cdk-nag';

/** The cdk-nag rule packs every synth runs: AWS Solutions and NIST 800-53 Rev. 5. */
export function nagPacks(app: App): NagPack[] {
  return [new AwsSolutionsChecks(app, { verbose: true }), new NIST80053R5Checks(app, { verbose: true })];
}

/** Adds the cdk-nag packs to an app (cdk-nag 3: as validation plugins, so synth fails on an unacknowledged finding). */
export function addNagChecks(app: App): void {
  Validations.of(app).addPlugins(...nagPacks(app));
}
