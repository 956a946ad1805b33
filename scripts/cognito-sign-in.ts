import type { ChallengeNameType } from '@aws-sdk/client-cognito-identity-provider';
import {
  AssociateSoftwareTokenCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { createSrpSession, signSrpSession, wrapAuthChallenge, wrapInitiateAuth } from 'cognito-srp-helper';

/** The one method of the Cognito client this needs, so tests can hand in a fake. */
export interface CognitoSend {
  send(
    command: InitiateAuthCommand | RespondToAuthChallengeCommand | AssociateSoftwareTokenCommand | VerifySoftwareTokenCommand,
    // biome-ignore lint/suspicious/noExplicitAny: each Cognito command has its own output type; callers read the members they asked for
  ): Promise<any>;
}

/** Asks the operator for what only they know, by name: `mfa-code`, `new-password`. */
export type Ask = (what: 'mfa-code' | 'new-password', hint?: string) => Promise<string>;

export class SignInError extends Error {}

/**
 * Signs an operator in to the Cognito user pool with SRP (USER_SRP_AUTH: the password never
 * leaves this machine, only a proof of it) and answers the challenges a pool with required
 * TOTP MFA and admin-created users puts: a first password change, TOTP setup on first
 * sign-in, then a TOTP code. Returns the ID token (the one the API's Cognito authorizer takes,
 * carrying `cognito:groups` and `custom:tenant_id`).
 */
export async function signInOperator(
  cognito: CognitoSend,
  input: { userPoolId: string; clientId: string; username: string; password: string },
  ask: Ask,
): Promise<{ idToken: string; expiresInSeconds: number }> {
  const srp = createSrpSession(input.username, input.password, input.userPoolId, false);
  const started = await cognito.send(
    new InitiateAuthCommand(
      wrapInitiateAuth(srp, {
        ClientId: input.clientId,
        AuthFlow: 'USER_SRP_AUTH',
        AuthParameters: { CHALLENGE_NAME: 'SRP_A', USERNAME: input.username },
      }),
    ),
  );
  if (started.ChallengeName !== 'PASSWORD_VERIFIER') throw new SignInError(`unexpected first challenge ${String(started.ChallengeName)}`);
  const userId: string = started.ChallengeParameters?.USER_ID_FOR_SRP ?? input.username;
  let answer = await cognito.send(
    new RespondToAuthChallengeCommand(
      wrapAuthChallenge(signSrpSession(srp, started), {
        ClientId: input.clientId,
        ChallengeName: 'PASSWORD_VERIFIER',
        ChallengeResponses: { USERNAME: userId },
        Session: started.Session,
      }),
    ),
  );

  for (let round = 0; round < 5; round += 1) {
    if (answer.AuthenticationResult?.IdToken) {
      return { idToken: answer.AuthenticationResult.IdToken, expiresInSeconds: answer.AuthenticationResult.ExpiresIn ?? 0 };
    }
    const respond = (name: ChallengeNameType, responses: Record<string, string>, session = answer.Session) =>
      cognito.send(
        new RespondToAuthChallengeCommand({
          ClientId: input.clientId,
          ChallengeName: name,
          ChallengeResponses: { USERNAME: userId, ...responses },
          Session: session,
        }),
      );
    switch (answer.ChallengeName) {
      case 'NEW_PASSWORD_REQUIRED':
        answer = await respond('NEW_PASSWORD_REQUIRED', { NEW_PASSWORD: await ask('new-password') });
        break;
      case 'MFA_SETUP': {
        const associated = await cognito.send(new AssociateSoftwareTokenCommand({ Session: answer.Session }));
        const uri = `otpauth://totp/RedRoomRewards:${encodeURIComponent(input.username)}?secret=${associated.SecretCode}&issuer=RedRoomRewards`;
        const verified = await cognito.send(
          new VerifySoftwareTokenCommand({
            Session: associated.Session,
            UserCode: await ask('mfa-code', `Add this to your authenticator app: ${uri}`),
          }),
        );
        if (verified.Status !== 'SUCCESS') throw new SignInError('the authenticator code was not accepted');
        answer = await respond('MFA_SETUP', {}, verified.Session);
        break;
      }
      case 'SOFTWARE_TOKEN_MFA':
        answer = await respond('SOFTWARE_TOKEN_MFA', { SOFTWARE_TOKEN_MFA_CODE: await ask('mfa-code') });
        break;
      default:
        throw new SignInError(`unsupported challenge ${String(answer.ChallengeName)}`);
    }
  }
  throw new SignInError('too many challenges');
}
