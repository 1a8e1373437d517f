/**
 * CDK app entry (cdk.json: `npx tsx infra/app.ts`).
 *
 *   npx cdk synth                       # uses ./ecr-guardrails.config.json
 *   npx cdk synth -c config=path.json   # another configuration file
 *   npx cdk deploy --all
 *
 * Besides the CloudFormation templates, the synth writes one conformance pack template per
 * region into the assembly directory (cdk.out/ecr-guardrails-conformance-pack.<region>.yaml).
 */
import { App } from 'aws-cdk-lib';
import { buildGuardrailsApp } from './build.js';
import { CONFIG_CONTEXT_KEY, ConfigurationError, DEFAULT_CONFIG_FILE, loadConfig } from './config.js';

function main(): void {
  // A throwaway App only to read the context the CLI passes (-c config=...).
  const configFile = (new App({ autoSynth: false }).node.tryGetContext(CONFIG_CONTEXT_KEY) as string | undefined) ?? DEFAULT_CONFIG_FILE;
  const config = loadConfig(configFile);
  const { app, conformancePackFiles } = buildGuardrailsApp(config);
  app.synth();
  for (const file of conformancePackFiles) process.stderr.write(`Conformance pack template: ${file}\n`);
}

try {
  main();
} catch (error) {
  if (error instanceof ConfigurationError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
