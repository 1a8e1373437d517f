/**
 * One DescribeImages listing per repository and run, shared by the rules that read images.
 *
 * A rule that lists a repository's images (ecr-stale-images) passes each image to the folds of
 * the rules that registered as consumers (ecr-image-scanning) before collection started
 * (`Collector.prepare`, called by the CLI for every rule of a scope). Each consumer keeps its
 * own constant-size fold, so memory stays flat; its result is stored in the run's memo only
 * when the listing completed, and the consumer lists any repository it finds no result for
 * itself (a repository the lister skipped, or a listing cut short by the time budget).
 * A consumer that fails is dropped from that repository's listing; the lister goes on.
 * Lambda runs evaluate one rule each and share nothing.
 */
import type { ImageDetail } from '@aws-sdk/client-ecr';
import type { CollectContext } from '../kernel/types.js';

export interface ImageFold<R> {
  add(image: ImageDetail): void;
  result(): R;
}

export interface ImageConsumer<R = unknown> {
  /** The consuming rule's id. */
  id: string;
  /** A fold for the repository, or undefined when the consumer does not need it (e.g. exempt). */
  begin(repositoryName: string): Promise<ImageFold<R> | undefined>;
}

const CONSUMERS = 'ecr:image-consumers';
const RESULTS = 'ecr:image-fold-results';
const resultKey = (id: string, repositoryName: string) => `${id}\u0000${repositoryName}`;

const consumers = (ctx: CollectContext<unknown>) => ctx.memo(CONSUMERS, async () => [] as ImageConsumer[]);
const results = (ctx: CollectContext<unknown>) => ctx.memo(RESULTS, async () => new Map<string, unknown>());

/** Registers a consumer for the images other rules list in this run. */
export async function registerImageConsumer<R>(ctx: CollectContext<unknown>, consumer: ImageConsumer<R>): Promise<void> {
  (await consumers(ctx)).push(consumer);
}

/** The result a consumer's fold produced for the repository in this run (taken once), if any. */
export async function takeImageFoldResult<R>(ctx: CollectContext<unknown>, id: string, repositoryName: string): Promise<R | undefined> {
  const stored = await results(ctx);
  const key = resultKey(id, repositoryName);
  const result = stored.get(key) as R | undefined;
  stored.delete(key);
  return result;
}

export interface SharedImageListing {
  /** Hands one listed image to every consumer's fold. */
  add(image: ImageDetail): void;
  /** The listing completed: stores every consumer's result. */
  complete(): Promise<void>;
}

/** The consumers' folds for one repository the caller is about to list completely. */
export async function shareImageListing(ctx: CollectContext<unknown>, repositoryName: string): Promise<SharedImageListing> {
  const active: Array<{ id: string; fold: ImageFold<unknown> }> = [];
  for (const consumer of await consumers(ctx)) {
    try {
      const fold = await consumer.begin(repositoryName);
      if (fold) active.push({ id: consumer.id, fold });
    } catch (error) {
      ctx.logger.warn('An image consumer could not start; it lists the repository itself', { consumer: consumer.id, repository: repositoryName, error: (error as Error).message });
    }
  }
  const failed = new Set<string>();
  return {
    add(image) {
      for (const { id, fold } of active) {
        if (failed.has(id)) continue;
        try {
          fold.add(image);
        } catch {
          failed.add(id);
        }
      }
    },
    async complete() {
      if (active.length === 0) return;
      const stored = await results(ctx);
      for (const { id, fold } of active) if (!failed.has(id)) stored.set(resultKey(id, repositoryName), fold.result());
    },
  };
}
