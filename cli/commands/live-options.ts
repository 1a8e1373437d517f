import { InvalidArgumentError, Option, type Command } from 'commander';
import { EVALUATION_ROLE_NAME } from '../../rules/names.js';
import { collectRepeatable } from '../options.js';

/** Options shared by `scan` and `collect` for choosing what to read and how. */
export interface CommonOptions {
  profile?: string;
  region: string[];
  excludeRegion?: string[];
  org?: boolean;
  account: string[];
  roleName: string;
  rules?: string;
  param: string[];
  concurrency: number;
}

/** Adds the options `scan` and `collect` share (profile, regions, org, accounts, role, rules, parameters, concurrency); returns the command. */
export function addCommonOptions(command: Command): Command {
  return command
    .option('--profile <name>', 'AWS profile to use (default: the standard credential chain)')
    .option('--region <region>', 'region to scan; repeat or comma-separate for several, or `all` for every region enabled for the account (default: AWS_REGION or the profile region)', collectRepeatable, [])
    .option('--exclude-region <region>', 'with --region all: leave this region out (repeatable)', collectRepeatable, [])
    .option('--org', 'scan every active account of the organisation through the evaluation role (run from the management or delegated-admin account)')
    .option('--account <id>', 'with --org: only these accounts (repeatable)', collectRepeatable, [])
    .addOption(new Option('--role-name <name>', 'with --org: role to assume in member accounts').default(EVALUATION_ROLE_NAME))
    .addOption(
      new Option('--concurrency <n>', 'account/region scopes collected at the same time')
        .default(4)
        .argParser((value: string) => {
          const n = Number(value);
          if (!Number.isInteger(n) || n < 1 || n > 32) throw new InvalidArgumentError('expected a whole number from 1 to 32.');
          return n;
        }),
    )
    .option('--rules <ids>', 'comma-separated rule ids to run (default: all; see `ecr-guardrails rules`)')
    .option('--param <key=value>', 'rule parameter, e.g. MaxImageAgeDays=30 or ecr-stale-images:MaxImageAgeDays=30 (repeatable)', (value: string, previous: string[]) => [...previous, value], []);
}
