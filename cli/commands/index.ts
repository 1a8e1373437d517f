import type { Command } from 'commander';

/** A CLI command: its name and one-line summary (for the overview), and its module. */
export interface CommandEntry {
  name: string;
  summary: string;
  /** Loaded only when the command runs or shows its own help, so `--version`, `--help` and each command load only what they use. */
  load: () => Promise<{ register: (program: Command, summary: string) => Command }>;
}

/** COMMANDS: every `ecr-guardrails` command, in the order `--help` lists them. */
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'scan', summary: 'evaluate the rules and print a report', load: async () => ({ register: (await import('./scan.js')).registerScanCommand }) },
  { name: 'collect', summary: 'save the collected facts as a snapshot for offline scans', load: async () => ({ register: (await import('./collect.js')).registerCollectCommand }) },
  { name: 'rules', summary: 'list the rules, their parameters, controls and runbooks', load: async () => ({ register: (await import('./rules.js')).registerRulesCommand }) },
  { name: 'detections', summary: 'list the detections of risky registry and network changes, or classify an event offline', load: async () => ({ register: (await import('./detections.js')).registerDetectionsCommand }) },
  { name: 'redrive', summary: 'send the dead-letter queue\'s failed events back to the rule and detection Lambdas', load: async () => ({ register: (await import('./redrive.js')).registerRedriveCommand }) },
  { name: 'runbooks', summary: 'list the runbooks: parameters, IAM actions, the rules they remediate', load: async () => ({ register: (await import('./runbooks.js')).registerRunbooksCommand }) },
];
