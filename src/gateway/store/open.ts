/** Picks the storage adapter from one setting: a `postgres://` URL, else a SQLite file path. */
import { openPostgresStore } from './postgres';
import { openSqliteStore } from './sqlite';
import type { GatewayStore } from './port';

export function isPostgresUrl(database: string): boolean {
  return /^postgres(ql)?:\/\//i.test(database);
}

/** Opens the store and runs its migrations. */
export async function openStore(database: string): Promise<GatewayStore> {
  const store = isPostgresUrl(database) ? openPostgresStore(database) : openSqliteStore(database);
  try {
    await store.migrate();
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  return store;
}
