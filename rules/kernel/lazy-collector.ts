import type { ConfigurationItem } from './config-item.js';
import { EcrGuardrailsError } from './errors.js';
import type { CollectContext, Collector } from './types.js';

/** A rule declared a change collector its collector module does not have. */
export class CollectorShapeError extends EcrGuardrailsError {}

/**
 * A collector whose module (and with it the AWS SDK clients it uses) is loaded on first use.
 * Each `rule.ts` names its collector this way, so code that only reads the registry (the CLI
 * scanning a snapshot or the demo, `ecr-guardrails rules`, the CDK app) never loads the SDK,
 * and a live scan loads only the clients of the rules it runs.
 *
 * `forChange` states whether the module's collector has `collectForChange` (the kernel decides
 * from its presence how to handle a change event without loading the module); the registry
 * test checks the statement against the module. `prepare` likewise states that the module's
 * collector has `prepare` (it loads the module, so only rules that need it declare it).
 */
export function lazyCollector<P, F>(load: () => Promise<Collector<P, F>>, options: { forChange: boolean; prepare?: boolean }): Collector<P, F> {
  let loaded: Promise<Collector<P, F>> | undefined;
  const get = (): Promise<Collector<P, F>> => (loaded ??= load());
  const collector: Collector<P, F> = { collectAll: async (ctx: CollectContext<P>) => (await get()).collectAll(ctx) };
  if (options.forChange) {
    collector.collectForChange = async (item: ConfigurationItem, ctx: CollectContext<P>) => {
      const actual = await get();
      if (!actual.collectForChange) throw new CollectorShapeError('The rule declares a change collector (forChange: true) but its collector module has none.');
      return actual.collectForChange(item, ctx);
    };
  }
  if (options.prepare) collector.prepare = async (ctx: CollectContext<P>) => (await get()).prepare?.(ctx);
  return collector;
}
