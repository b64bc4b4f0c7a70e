/** Anything BullMQ connects in the background: queues and workers. */
interface Connecting {
  waitUntilReady(): Promise<unknown>;
}

/**
 * Waits, at most `timeoutMs`, for BullMQ clients to finish connecting. Closing a queue or worker while its connection
 * is still initializing makes BullMQ 5 emit 'error' on a connection whose listeners it has just removed, which crashes
 * the process (a SIGTERM right after boot exited 1). Waiting first makes the close an orderly QUIT; the bound keeps
 * shutdown from hanging while Redis is away.
 */
export async function settleConnections(clients: Connecting[], timeoutMs = 2000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
  try {
    await Promise.race([Promise.allSettled(clients.map((client) => client.waitUntilReady())), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
