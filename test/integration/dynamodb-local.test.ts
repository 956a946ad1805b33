import { connect } from 'node:net';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { createTableInput } from '../../functions/store/table-definition.ts';
import { localDynamoDbClientConfig } from '../../local/aws-env.ts';
import { startDynamoDbLocal } from '../../local/dynamodb-local.ts';

/** Resolves with the connection error code, or 'connected' if something still listens. */
function probe(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function tableNames(endpoint: string): Promise<string[]> {
  const client = new DynamoDBClient(localDynamoDbClientConfig(endpoint));
  try {
    return (await client.send(new ListTablesCommand({}))).TableNames ?? [];
  } finally {
    client.destroy();
  }
}

async function createTable(endpoint: string, tableName: string): Promise<void> {
  const client = new DynamoDBClient(localDynamoDbClientConfig(endpoint));
  try {
    await client.send(new CreateTableCommand(createTableInput(tableName)));
  } finally {
    client.destroy();
  }
}

describe('startDynamoDbLocal', () => {
  it('starts an in-memory instance that answers, and stop() ends the Java process', async () => {
    const dynamo = await startDynamoDbLocal({});
    try {
      await createTable(dynamo.endpoint, 'throwaway');
      expect(await tableNames(dynamo.endpoint)).toEqual(['throwaway']);
    } finally {
      await dynamo.stop();
    }
    expect(isAlive(dynamo.pid)).toBe(false);
    expect(await probe(dynamo.port)).toBe('ECONNREFUSED');
    await dynamo.stop(); // idempotent
  });

  it('keeps tables in dataDir across restarts', async () => {
    const dataDir = join(await mkdtemp(join(tmpdir(), 'rrr-ddb-')), 'not-yet-created');
    try {
      const first = await startDynamoDbLocal({ dataDir });
      await createTable(first.endpoint, 'kept');
      await first.stop();
      expect(await readdir(dataDir)).not.toHaveLength(0);

      const second = await startDynamoDbLocal({ dataDir });
      try {
        expect(await tableNames(second.endpoint)).toEqual(['kept']);
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a port that is already taken instead of talking to the other server', async () => {
    const dynamo = await startDynamoDbLocal({});
    try {
      await expect(startDynamoDbLocal({ port: dynamo.port })).rejects.toThrow(/already in use/);
    } finally {
      await dynamo.stop();
    }
  });
});
