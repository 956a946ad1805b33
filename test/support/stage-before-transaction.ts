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
