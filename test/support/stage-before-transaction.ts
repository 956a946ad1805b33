import type { getDocumentClient } from '../../functions/store/client.ts';

type DocumentClient = ReturnType<typeof getDocumentClient>;

/**
 * Runs `act` once, just before the next TransactWriteItems whose items name `marker`, and lets
 * that transaction go on: a stale state staged at a precise point of a request, never by waiting.
 */
export function beforeTransactionNaming(client: DocumentClient, marker: string, act: () => Promise<unknown>) {
  const name = `stage-before-${marker}-${Math.random()}`;
  let done = false;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (!done && String(context.commandName).startsWith('TransactWrite') && JSON.stringify(args.input).includes(marker)) {
        done = true;
        await act();
      }
      return next(args);
    },
    { step: 'initialize', name },
  );
  return { remove: () => client.middlewareStack.remove(name), fired: () => done };
}

/**
 * Watches the TransactWriteItems whose items name `marker`: `attempts()` counts every one sent,
 * `commits()` those that committed. With `failAfterCommit`, the first one to commit (with all of
 * the SDK's own attempts, outside which this sits) throws that error instead of answering: the
 * function that sent it dies after its commit and before its answer (killed, timed out), so its
 * caller retries something that already landed.
 */
export function watchTransactionsNaming(client: DocumentClient, marker: string, options: { failAfterCommit?: Error } = {}) {
  const name = `watch-${marker}-${Math.random()}`;
  let failed = false;
  let attempts = 0;
  let commits = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (!String(context.commandName).startsWith('TransactWrite') || !JSON.stringify(args.input).includes(marker)) return next(args);
      attempts += 1;
      const result = await next(args);
      commits += 1;
      if (failed || !options.failAfterCommit) return result;
      failed = true;
      throw options.failAfterCommit;
    },
    { step: 'initialize', name },
  );
  return { remove: () => client.middlewareStack.remove(name), failed: () => failed, attempts: () => attempts, commits: () => commits };
}
