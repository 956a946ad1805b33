/**
 * Signs an operator in to the deployed stack's Cognito user pool and prints the ID token
 * (docs/deploy.md, "Operators"). SRP: the password never leaves this machine.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { SignInError, signInOperator, type Ask } from './cognito-sign-in.ts';

const USAGE = `usage: npm run operator-login -- --username EMAIL [--stage dev] [--outputs cdk-outputs.json]
                               [--user-pool-id ID --client-id ID] [--mfa-code 123456] [--out FILE]

Signs in to the operator user pool (SRP, then the TOTP code; on first sign-in a new password
and the authenticator setup) and prints the ID token on stdout, or writes it to --out (mode 600).
The pool and client come from the outputs file of \`cdk deploy --outputs-file\` (stack
RedRoomRewards-<stage>) unless --user-pool-id and --client-id are given.
The password is read from RRR_OPERATOR_PASSWORD or asked for on the terminal (never an
argument); a first-time new password from RRR_OPERATOR_NEW_PASSWORD or the terminal.

  export RRR_BASE_URL=<ApiUrl without /api/v1> RRR_OPERATOR_TOKEN=$(npm run -s operator-login -- --stage prod --username ops@example.com)
  npm run admin -- list-keys --tenant xcn

Exits 0 with the token, 2 with a one-line reason.`;

function fail(message: string): never {
  console.error(`operator-login: ${message}`);
  process.exit(2);
}

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  stage: { type: 'string', default: 'dev' },
  outputs: { type: 'string', default: 'cdk-outputs.json' },
  'user-pool-id': { type: 'string' },
  'client-id': { type: 'string' },
  username: { type: 'string' },
  'mfa-code': { type: 'string' },
  out: { type: 'string' },
} as const;

function parse() {
  try {
    return parseArgs({ strict: true, options: OPTIONS }).values;
  } catch (error) {
    return fail(`${(error as Error).message} (see --help)`);
  }
}

const values = parse();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const username = values.username ?? fail('--username is required (see --help)');

function poolAndClient(): { userPoolId: string; clientId: string } {
  if (values['user-pool-id'] && values['client-id']) return { userPoolId: values['user-pool-id'], clientId: values['client-id'] };
  if (values['user-pool-id'] || values['client-id']) fail('give both --user-pool-id and --client-id, or neither');
  let outputs: Record<string, Record<string, string>>;
  try {
    outputs = JSON.parse(readFileSync(values.outputs, 'utf8')) as typeof outputs;
  } catch (error) {
    fail(`cannot read ${values.outputs}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const stack = outputs[`RedRoomRewards-${values.stage}`];
  if (!stack?.OperatorUserPoolId || !stack.OperatorClientId)
    fail(`${values.outputs} has no operator pool outputs for RedRoomRewards-${values.stage}`);
  return { userPoolId: stack.OperatorUserPoolId, clientId: stack.OperatorClientId };
}

/** One line from the terminal, echoed or not. */
async function fromTerminal(question: string, hidden: boolean): Promise<string> {
  if (!process.stdin.isTTY) fail(`${question.replace(/: $/, '')} is needed and stdin is not a terminal`);
  const terminal = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  if (hidden) {
    const write = (terminal as unknown as { _writeToOutput: (text: string) => void })._writeToOutput.bind(terminal);
    (terminal as unknown as { _writeToOutput: (text: string) => void })._writeToOutput = (text) =>
      write(text.startsWith(question) ? text : '');
  }
  const answer = await new Promise<string>((resolve) => terminal.question(question, resolve));
  terminal.close();
  if (hidden) process.stderr.write('\n');
  return answer.trim();
}

const { userPoolId, clientId } = poolAndClient();
const region = /^([a-z]{2}(?:-[a-z]+)+-\d)_/.exec(userPoolId)?.[1] ?? fail(`${userPoolId} is not a user pool id`);
const password = process.env.RRR_OPERATOR_PASSWORD || (await fromTerminal('Password: ', true));
const ask: Ask = async (what, hint) => {
  if (hint) console.error(hint);
  if (what === 'mfa-code') return values['mfa-code'] ?? fromTerminal('Authenticator code: ', false);
  return process.env.RRR_OPERATOR_NEW_PASSWORD || fromTerminal('New password (first sign-in): ', true);
};

const { CognitoIdentityProviderClient } = await import('@aws-sdk/client-cognito-identity-provider');
try {
  const { idToken, expiresInSeconds } = await signInOperator(
    new CognitoIdentityProviderClient({ region }),
    { userPoolId, clientId, username, password },
    ask,
  );
  if (values.out) {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(values.out, `${idToken}\n`, { mode: 0o600 });
    console.error(`ID token written to ${values.out}; it expires in ${Math.round(expiresInSeconds / 60)} minutes.`);
  } else {
    console.log(idToken);
  }
} catch (error) {
  // Cognito's refusals (NotAuthorizedException, CodeMismatchException, ...) say what went wrong in one line.
  if (error instanceof SignInError || (error as { $fault?: string }).$fault === 'client')
    fail(`sign-in refused: ${(error as Error).message}`);
  fail(`sign-in failed: ${(error as Error).name}: ${(error as Error).message.split('\n')[0]}`);
}
