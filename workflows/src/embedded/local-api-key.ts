import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { generateApiKey } from '@lasso/server';

/**
 * Reads the API key of the embedded service from the data folder, making it on first start. The
 * file is readable by its owner only; the database keeps just the key's hash.
 */
export async function readOrCreateLocalApiKey(dataDir: string): Promise<string> {
  const keyPath = path.join(dataDir, 'api-key');
  try {
    return (await readFile(keyPath, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw error;
    }
  }

  const key = generateApiKey();
  await writeFile(keyPath, key + '\n', { mode: 0o600, flag: 'wx' });
  return key;
}
