import type { ClientFactory } from './clients.js';
import type { Logger } from './logger.js';
import type { CollectContext } from './types.js';

/** One account and region to collect from, with the clients (and so the credentials) to use there. */
export interface Scope {
  accountId: string;
  region: string;
  partition: string;
  clients: ClientFactory;
}

/** A memo shared by the rules of one run in one scope (see CollectContext.memo). */
export function createMemo(): CollectContext<unknown>['memo'] {
  const entries = new Map<string, Promise<unknown>>();
  return <T>(key: string, load: () => Promise<T>): Promise<T> => {
    let entry = entries.get(key) as Promise<T> | undefined;
    if (!entry) {
      entry = load();
      entries.set(key, entry);
    }
    return entry;
  };
}

/** The context a collector receives for one account and region: clients, parameters, clock, logger, memo, time budget and progress. */
export function createCollectContext<P>(
  scope: Scope,
  params: P,
  run: {
    now: Date;
    logger: Logger;
    configRuleName?: string;
    memo?: CollectContext<unknown>['memo'];
    remainingTimeMs?: () => number;
    progress?: (message: string) => void;
  },
): CollectContext<P> {
  return {
    clients: scope.clients,
    accountId: scope.accountId,
    region: scope.region,
    partition: scope.partition,
    params,
    now: run.now,
    ...(run.configRuleName !== undefined ? { configRuleName: run.configRuleName } : {}),
    logger: run.logger,
    memo: run.memo ?? createMemo(),
    remainingTimeMs: run.remainingTimeMs ?? (() => Number.POSITIVE_INFINITY),
    progress: run.progress ?? (() => undefined),
  };
}

/** The partition of an ARN (`aws`, `aws-cn`, `aws-us-gov`, ...), or `aws`. */
export function partitionOf(arn: string | undefined): string {
  return arn?.split(':')[1] || 'aws';
}

/** The account of an ARN, e.g. the Lambda's own account from its invoked function ARN. */
export function accountOf(arn: string | undefined): string | undefined {
  return arn?.split(':')[4] || undefined;
}
