import { execFile } from 'node:child_process';

/** DynamoDB Local is launched with whatever `java` is first on the PATH. */
export const JAVA_COMMAND = 'java';

const MINIMUM_JAVA_MAJOR = 17;

export class JavaMissingError extends Error {
  constructor(found: string) {
    super(
      `Java ${MINIMUM_JAVA_MAJOR} or newer is required to run DynamoDB Local (${found}): ` +
        `install it (Debian/Ubuntu: apt-get install -y openjdk-${MINIMUM_JAVA_MAJOR}-jre-headless) and retry.`,
    );
    this.name = 'JavaMissingError';
  }
}

/**
 * Reads the major version from `java -version` output: `openjdk version "17.0.15"`,
 * `java version "21-ea"`, or the pre-9 form `java version "1.8.0_292"` (major 8).
 */
export function parseJavaMajorVersion(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?[^"]*"/.exec(versionOutput);
  if (match === null) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}

/**
 * Fails fast with one actionable line instead of letting DynamoDB Local die later with a
 * spawn error or a JVM class-version stack trace.
 */
export async function assertJavaAvailable(javaCommand: string = JAVA_COMMAND): Promise<void> {
  const output = await new Promise<string | undefined>((resolve) => {
    // `java -version` writes to stderr; a missing binary surfaces as an error with no output.
    execFile(javaCommand, ['-version'], { timeout: 15_000 }, (error, stdout, stderr) => {
      const text = `${stderr}${stdout}`;
      resolve(error !== null && text.trim() === '' ? undefined : text);
    });
  });
  if (output === undefined) throw new JavaMissingError(`no working "${javaCommand}" on the PATH`);
  const major = parseJavaMajorVersion(output);
  if (major === undefined) throw new JavaMissingError(`could not read the version of "${javaCommand}"`);
  if (major < MINIMUM_JAVA_MAJOR) throw new JavaMissingError(`found Java ${major}`);
}
