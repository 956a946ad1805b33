import { describe, expect, it } from 'vitest';
import { assertJavaAvailable, JavaMissingError, parseJavaMajorVersion } from '../../local/java.ts';

describe('parseJavaMajorVersion', () => {
  it.each([
    ['openjdk version "17.0.15" 2025-04-15', 17],
    ['java version "21.0.2" 2024-01-16 LTS', 21],
    ['openjdk version "22-ea" 2024-03-19', 22],
    ['java version "1.8.0_292"', 8],
    ['openjdk version "11.0.2" 2019-01-15', 11],
    ['command not found', undefined],
  ])('%s -> %s', (output, expected) => {
    expect(parseJavaMajorVersion(output)).toBe(expected);
  });
});

describe('assertJavaAvailable', () => {
  it('explains in one line how to install Java when it is missing', async () => {
    const failure = assertJavaAvailable('rrr-no-such-java-binary');
    await expect(failure).rejects.toBeInstanceOf(JavaMissingError);
    await expect(failure).rejects.toThrow(
      /^Java 17 or newer is required to run DynamoDB Local .*apt-get install -y openjdk-17-jre-headless\) and retry\.$/,
    );
  });
});
