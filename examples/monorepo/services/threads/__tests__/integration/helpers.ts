// Mock and live wiring for the threads integration suites, chosen once from the mode.
import { isCluster, requireEnv } from '@platform/integration-mode';

export interface ThreadsClient {
  createThread(title: string): Promise<{ id: string; title: string }>;
  listThreads(): Promise<Array<{ id: string; title: string }>>;
}

class InMemoryThreads implements ThreadsClient {
  private readonly threads: Array<{ id: string; title: string }> = [];

  async createThread(title: string) {
    const thread = { id: `thread-${this.threads.length + 1}`, title };
    this.threads.push(thread);
    return thread;
  }

  async listThreads() {
    return [...this.threads];
  }
}

class GrpcThreads implements ThreadsClient {
  constructor(private readonly baseUrl: string) {}

  async createThread(title: string) {
    const response = await fetch(`${this.baseUrl}/threads`, {
      method: 'POST',
      body: JSON.stringify({ title }),
    });
    return response.json();
  }

  async listThreads() {
    const response = await fetch(`${this.baseUrl}/threads`);
    return response.json();
  }
}

export function threadsClient(): ThreadsClient {
  if (isCluster()) {
    return new GrpcThreads(requireEnv('THREADS_GRPC_URL'));
  }
  return new InMemoryThreads();
}
