import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';

/** The logging surface rules and the kernel use; Powertools in Lambda, quiet in the CLI. */
export interface Logger {
  debug(message: string, extra?: Record<string, unknown>): void;
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

/** Structured JSON logs for the Lambda, with the rule id on every line. */
export function createLambdaLogger(ruleId: string): Logger & { appendKeys(keys: Record<string, unknown>): void } {
  const logger = new PowertoolsLogger({ serviceName: 'ecr-guardrails', persistentKeys: { ruleId } });
  return {
    debug: (message, extra) => logger.debug(message, extra ?? {}),
    info: (message, extra) => logger.info(message, extra ?? {}),
    warn: (message, extra) => logger.warn(message, extra ?? {}),
    error: (message, extra) => logger.error(message, extra ?? {}),
    appendKeys: (keys) => logger.appendKeys(keys),
  };
}

export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
