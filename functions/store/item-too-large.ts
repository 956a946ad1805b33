/**
 * DynamoDB refuses a write whose item would pass 400 KB: as a ValidationException, or inside
 * a cancelled transaction as a `ValidationError` reason. Lot pages keep every item small by
 * construction, so this should never happen; if it does, the request is answered with a
 * documented code (503) instead of a 500, and nothing was written.
 */
export function isItemTooLarge(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const sizeMessage = (message: string | undefined) => /item size|maximum allowed size/i.test(message ?? '');
  if (error.name === 'ValidationException') return sizeMessage(error.message);
  const reasons = (error as { CancellationReasons?: { Code?: string; Message?: string }[] }).CancellationReasons ?? [];
  return reasons.some((reason) => reason.Code === 'ValidationError' && sizeMessage(reason.Message));
}
