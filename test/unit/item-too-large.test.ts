import { describe, expect, it } from 'vitest';
import { isItemTooLarge } from '../../functions/store/item-too-large.ts';

const named = (name: string, message: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(message), { name }, extra);

describe('isItemTooLarge', () => {
  it('knows DynamoDB refusing an item for its size, alone or inside a cancelled transaction', () => {
    expect(isItemTooLarge(named('ValidationException', 'Item size has exceeded the maximum allowed size'))).toBe(true);
    const cancelled = named('TransactionCanceledException', 'Transaction cancelled', {
      CancellationReasons: [
        { Code: 'None' },
        { Code: 'ValidationError', Message: 'Item size to update has exceeded the maximum allowed size' },
      ],
    });
    expect(isItemTooLarge(cancelled)).toBe(true);
  });

  it('leaves every other error alone', () => {
    expect(isItemTooLarge(named('ValidationException', 'One or more parameter values were invalid'))).toBe(false);
    expect(isItemTooLarge(named('TransactionCanceledException', 'x', { CancellationReasons: [{ Code: 'ConditionalCheckFailed' }] }))).toBe(
      false,
    );
    expect(isItemTooLarge('not an error')).toBe(false);
  });
});
