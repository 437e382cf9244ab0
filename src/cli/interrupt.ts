// Ctrl-C (or SIGTERM) while a long step runs: the step gets a signal that aborts, and stops and cleans up itself.

/** Runs `step` with a signal that aborts on the first SIGINT or SIGTERM; the handlers go when it ends. */
export async function abortOnInterrupt<T>(step: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await step(abort.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
