// The same suite written against the shared helper: runs on mocks in repo/local mode and
// against the live service in cluster mode, never skipped.
import { parseIntegrationMode, requireEnv } from '@platform/integration-mode';
import { threadsClient } from './helpers';

describe('threads repository', () => {
  beforeAll(() => {
    requireEnv('THREADS_DATABASE_URL');
  });

  it('creates and lists a thread', async () => {
    const client = threadsClient();
    const thread = await client.createThread('hello');
    const threads = await client.listThreads();
    expect(threads.map((t) => t.id)).toContain(thread.id);
  });

  it('reports the mode it ran in', () => {
    const mode = parseIntegrationMode();
    expect(['repo', 'local', 'cluster']).toContain(mode);
    if (mode === 'cluster') {
      expect(requireEnv('THREADS_GRPC_URL')).toMatch(/^grpc/);
    }
  });
});
