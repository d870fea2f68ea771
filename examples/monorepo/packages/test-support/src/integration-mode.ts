// The shared integration-mode helper for TypeScript suites: the only module that reads
// INTEGRATION_MODE. repo (default) and local run on deterministic mocks; cluster requires the
// live dependencies and fails fast when one is missing.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export type IntegrationMode = 'repo' | 'local' | 'cluster';

const MODES: readonly IntegrationMode[] = ['repo', 'local', 'cluster'];
const ENV_FILE = '.env.integration';

export function parseIntegrationMode(raw: string | undefined = process.env.INTEGRATION_MODE): IntegrationMode {
  const value = (raw ?? '').trim();
  if (value === '') {
    return 'repo';
  }
  if (!(MODES as readonly string[]).includes(value)) {
    throw new Error(`INTEGRATION_MODE must be one of ${MODES.join(', ')}; got '${value}'`);
  }
  return value as IntegrationMode;
}

export function isCluster(): boolean {
  return parseIntegrationMode() === 'cluster';
}

// cluster: the live value, or a fast failure naming the variable.
// repo/local: the deterministic default from .env.integration, or a loud failure.
export function requireEnv(name: string): string {
  if (isCluster()) {
    const live = process.env[name];
    if (live === undefined || live === '') {
      throw new Error(`${name} is required in cluster mode`);
    }
    return live;
  }
  const mocked = mockDefaults()[name];
  if (mocked === undefined) {
    throw new Error(`${name} has no repo-mode default in ${ENV_FILE}`);
  }
  return mocked;
}

let cached: Record<string, string> | undefined;

function mockDefaults(): Record<string, string> {
  if (cached !== undefined) {
    return cached;
  }
  const values: Record<string, string> = {};
  const file = findUp(ENV_FILE);
  if (file !== undefined) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const trimmed = line.trim();
      const eq = trimmed.indexOf('=');
      if (trimmed.startsWith('#') || eq <= 0) {
        continue;
      }
      values[trimmed.slice(0, eq).trim()] = trimmed.slice(eq + 1).trim();
    }
  }
  cached = values;
  return values;
}

function findUp(name: string): string | undefined {
  let dir = process.cwd();
  for (;;) {
    const candidate = join(dir, name);
    if (existsSync(candidate)) {
      return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) {
      return undefined;
    }
    dir = parent;
  }
}
