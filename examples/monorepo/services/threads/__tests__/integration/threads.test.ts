// Written before the INTEGRATION_MODE contract: skips when variables are missing, reads the
// environment directly and keeps a private live toggle.
import { threadsClient } from './helpers';

const RUN_LIVE = process.env.RUN_INTEGRATION_TESTS === '1';
const hasDatabase = Boolean(process.env.THREADS_DATABASE_URL);

(hasDatabase ? describe : describe.skip)('threads repository', () => {
  it('creates a thread', async () => {
    const client = threadsClient();
    const databaseUrl = process.env.THREADS_DATABASE_URL;
    const thread = await client.createThread(`smoke against ${databaseUrl}`);
    expect(thread.id).toBeTruthy();
  });
});

(RUN_LIVE ? describe : describe.skip)('threads over envoy', () => {
  it('streams messages', async () => {
    if (!process.env.THREADS_ENVOY_URL) return;
    const token = process.env.THREADS_API_TOKEN ?? 'dev-token';
    expect(token).not.toBe('');
  });

  it('uses the live transport', () => {
    if (process.env.INTEGRATION_MODE === 'live') {
      expect(process.env.THREADS_GRPC_URL).toBeDefined();
    }
  });
});
