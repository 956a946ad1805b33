import { join } from 'node:path';
import type { JWK } from 'jose';
import { createOperatorIssuer, type OperatorIssuer } from './operator-issuer.ts';
import { readJsonIfExists, writePrivateJson } from './private-file.ts';

/** The local issuer's name (`iss`); on AWS the Cognito user pool's URL takes its place. */
export const LOCAL_OPERATOR_ISSUER = 'https://operators.redroomrewards.invalid/local';

export const issuerKeyPath = (localDir: string) => join(localDir, 'operator-issuer.json');

/**
 * The issuer's signing key lives in `<localDir>/operator-issuer.json` (mode 0600) so the
 * token CLI can mint tokens the running service accepts. Kept data keeps the key across
 * restarts (tokens stay valid); in memory, every start makes a new one.
 */
export async function loadOperatorIssuer(localDir: string, keep: boolean): Promise<OperatorIssuer> {
  const stored = keep ? ((await readJsonIfExists(issuerKeyPath(localDir))) as { privateJwk?: JWK } | undefined) : undefined;
  const issuer = await createOperatorIssuer({
    issuer: LOCAL_OPERATOR_ISSUER,
    ...(stored?.privateJwk ? { privateJwk: stored.privateJwk } : {}),
  });
  if (!stored?.privateJwk) await writePrivateJson(issuerKeyPath(localDir), { issuer: issuer.issuer, privateJwk: issuer.privateJwk });
  return issuer;
}

/** For the token CLI: the issuer of the service last started with this local folder. */
export async function existingOperatorIssuer(localDir: string): Promise<OperatorIssuer> {
  const stored = (await readJsonIfExists(issuerKeyPath(localDir))) as { privateJwk?: JWK } | undefined;
  if (!stored?.privateJwk) throw new Error(`No ${issuerKeyPath(localDir)}: start the service first (npm start)`);
  return createOperatorIssuer({ issuer: LOCAL_OPERATOR_ISSUER, privateJwk: stored.privateJwk });
}
