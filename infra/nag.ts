/**
 * cdk-nag 3 runs as a CDK policy-validation plugin (not an Aspect): every `app.synth()` of
 * the admin app and of the member app runs the AWS Solutions and NIST 800-53 rev 5 packs,
 * and an unacknowledged finding fails the synth. Acknowledgements are made next to the
 * resource they concern with `Validations.of(construct).acknowledge({ id, reason })`.
 */
import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks, NIST80053R5Checks, type NagPack } from 'cdk-nag';

export function nagPacks(app: App): NagPack[] {
  return [new AwsSolutionsChecks(app, { verbose: true }), new NIST80053R5Checks(app, { verbose: true })];
}

export function addNagChecks(app: App): void {
  Validations.of(app).addPlugins(...nagPacks(app));
}
