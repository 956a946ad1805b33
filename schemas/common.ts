import * as z from 'zod/mini';

/** Ids chosen by partners: safe in keys and URLs, never containing the key separator. */
export const AccountId = z
  .string()
  // Ids of dots alone ("." and "..") are refused: URL normalisation would turn them into other paths.
  .check(z.minLength(1), z.maxLength(64), z.regex(/^(?!\.+$)[A-Za-z0-9._:-]+$/), z.describe('Partner-chosen account id'));

export const ExternalId = z.string().check(z.minLength(1), z.maxLength(128), z.regex(/^(?!\.+$)[A-Za-z0-9._:/-]+$/));

export const Points = z.int().check(z.positive(), z.lte(100_000_000));

export const SignedPoints = z.int();

/** Capped like every other string a request takes: the format alone allows endless fractional digits. */
export const Instant = z.iso.datetime({ offset: true }).check(z.maxLength(40));

export const AccountRef = z.strictObject({ accountId: AccountId });
