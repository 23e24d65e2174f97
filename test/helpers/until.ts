/**
 * Waits until `check()` holds, polling every few ms, for at most `timeoutMs` (then throws): for
 * effects that arrive through a few event-loop turns, where a fixed sleep is flaky on a busy machine.
 */
export async function until(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
