import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SignInError, signInOperator, type CognitoSend } from '../../scripts/cognito-sign-in.ts';

const run = promisify(execFile);
const script = fileURLToPath(new URL('../../scripts/operator-login.ts', import.meta.url));
const POOL = {
  userPoolId: 'eu-west-1_AbCdEf123',
  clientId: 'client-1',
  username: 'ops@example.com',
  password: 'correct horse battery staple',
};

/** Answers as Cognito would, one scripted answer per call, and records what was sent. */
function fakeCognito(answers: Record<string, unknown>[]) {
  const sent: { command: string; input: any }[] = [];
  const cognito: CognitoSend = {
    async send(command) {
      sent.push({ command: command.constructor.name, input: command.input });
      const answer = answers.shift();
      if (!answer) throw new Error('no more answers');
      return answer;
    },
  };
  return { cognito, sent };
}

const passwordVerifier = {
  ChallengeName: 'PASSWORD_VERIFIER',
  Session: 's0',
  // Any B that is not 0 mod N: the helper computes the proof; only Cognito can check it.
  ChallengeParameters: {
    SALT: randomBytes(16).toString('hex'),
    SECRET_BLOCK: randomBytes(64).toString('base64'),
    SRP_B: randomBytes(128).toString('hex'),
    USER_ID_FOR_SRP: 'a1b2-sub',
  },
};
const tokens = { AuthenticationResult: { IdToken: 'id.token.jwt', AccessToken: 'access', ExpiresIn: 3600 } };

describe('operator sign-in over Cognito (SRP)', () => {
  it('proves the password by SRP, answers the TOTP challenge and returns the ID token', async () => {
    const { cognito, sent } = fakeCognito([passwordVerifier, { ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: 's1' }, tokens]);
    const asked: string[] = [];
    const result = await signInOperator(cognito, POOL, async (what) => {
      asked.push(what);
      return '123456';
    });
    expect(result).toEqual({ idToken: 'id.token.jwt', expiresInSeconds: 3600 });
    expect(asked).toEqual(['mfa-code']);
    expect(sent.map((call) => call.command)).toEqual([
      'InitiateAuthCommand',
      'RespondToAuthChallengeCommand',
      'RespondToAuthChallengeCommand',
    ]);
    const [initiate, verifier, mfa] = sent;
    expect(initiate!.input).toMatchObject({
      AuthFlow: 'USER_SRP_AUTH',
      ClientId: 'client-1',
      AuthParameters: { USERNAME: 'ops@example.com', SRP_A: expect.stringMatching(/^[0-9a-f]+$/) },
    });
    expect(JSON.stringify(sent)).not.toContain(POOL.password);
    expect(verifier!.input).toMatchObject({
      ChallengeName: 'PASSWORD_VERIFIER',
      Session: 's0',
      ChallengeResponses: {
        USERNAME: 'a1b2-sub',
        PASSWORD_CLAIM_SIGNATURE: expect.any(String),
        PASSWORD_CLAIM_SECRET_BLOCK: passwordVerifier.ChallengeParameters.SECRET_BLOCK,
        TIMESTAMP: expect.any(String),
      },
    });
    expect(mfa!.input).toEqual({
      ClientId: 'client-1',
      ChallengeName: 'SOFTWARE_TOKEN_MFA',
      Session: 's1',
      ChallengeResponses: { USERNAME: 'a1b2-sub', SOFTWARE_TOKEN_MFA_CODE: '123456' },
    });
  });

  it('on first sign-in sets the new password, then the authenticator app, then signs in', async () => {
    const { cognito, sent } = fakeCognito([
      passwordVerifier,
      { ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: 's1' },
      { ChallengeName: 'MFA_SETUP', Session: 's2' },
      { SecretCode: 'JBSWY3DPEHPK3PXP', Session: 's3' },
      { Status: 'SUCCESS', Session: 's4' },
      tokens,
    ]);
    const hints: (string | undefined)[] = [];
    const result = await signInOperator(cognito, POOL, async (what, hint) => {
      hints.push(hint);
      return what === 'mfa-code' ? '654321' : 'a new long passphrase 42!';
    });
    expect(result.idToken).toBe('id.token.jwt');
    expect(sent.map((call) => call.command).slice(2)).toEqual([
      'RespondToAuthChallengeCommand',
      'AssociateSoftwareTokenCommand',
      'VerifySoftwareTokenCommand',
      'RespondToAuthChallengeCommand',
    ]);
    expect(sent[2]!.input.ChallengeResponses).toEqual({ USERNAME: 'a1b2-sub', NEW_PASSWORD: 'a new long passphrase 42!' });
    expect(sent[4]!.input).toEqual({ Session: 's3', UserCode: '654321' });
    expect(sent[5]!.input).toMatchObject({ ChallengeName: 'MFA_SETUP', Session: 's4' });
    expect(hints.find(Boolean)).toContain('otpauth://totp/RedRoomRewards:ops%40example.com?secret=JBSWY3DPEHPK3PXP');
  });

  it('refuses a challenge it does not know', async () => {
    const { cognito } = fakeCognito([passwordVerifier, { ChallengeName: 'SMS_MFA', Session: 's1' }]);
    await expect(signInOperator(cognito, POOL, async () => '')).rejects.toThrow(SignInError);
  });
});

describe('npm run operator-login', () => {
  const login = (args: string[]) =>
    run(process.execPath, ['--import', 'tsx', script, ...args], { env: { ...process.env, RRR_OPERATOR_PASSWORD: '' } }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    );

  it('--help prints the usage and exits 0', async () => {
    const { code, stdout } = await login(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^usage: npm run operator-login -- --username EMAIL/);
  });

  it.each([
    [['--bogus'], /^operator-login: Unknown option '--bogus'/],
    [[], /^operator-login: --username is required/],
    [['--username', 'x', '--outputs', '/nonexistent/outputs.json'], /^operator-login: cannot read \/nonexistent\/outputs.json: ENOENT/],
    [['--username', 'x', '--user-pool-id', 'eu-west-1_Abc'], /^operator-login: give both --user-pool-id and --client-id/],
  ])('%j: one line on stderr, exit 2', async (args, message) => {
    const { code, stdout, stderr } = await login(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(message);
  });
});
