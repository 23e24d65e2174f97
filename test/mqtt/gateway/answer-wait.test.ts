import { expect, it } from 'vitest';
import { AnswerWait } from '../../../src/mqtt/gateway/answer-wait.js';

async function took(promise: Promise<void>): Promise<number> {
  const start = performance.now();
  await promise;
  return performance.now() - start;
}

// Margins: the timeout is 300 ms, the early ends come after 0–20 ms; a busy machine delays
// timers by tens of ms, not hundreds.
it('resolves at once when no answer is awaited', async () => {
  expect(await took(new AnswerWait(300).until(Number.POSITIVE_INFINITY))).toBeLessThan(150);
});

it('waits for the answer, at most its timeout, at most the deadline', async () => {
  const wait = new AnswerWait(300);
  wait.expect();
  expect(await took(wait.until(Number.POSITIVE_INFINITY))).toBeGreaterThanOrEqual(280);
  wait.expect();
  expect(await took(wait.until(performance.now() + 20))).toBeLessThan(150);
  setTimeout(() => wait.settle(), 10);
  expect(await took(wait.until(Number.POSITIVE_INFINITY))).toBeLessThan(150);
  expect(await took(wait.until(Number.POSITIVE_INFINITY))).toBeLessThan(150); // settled: nothing awaited
});

it('a new request replaces the awaited answer', async () => {
  const wait = new AnswerWait(300);
  wait.expect();
  const first = wait.until(Number.POSITIVE_INFINITY);
  wait.expect(); // the first wait ends: its request is no longer the last one
  expect(await took(first)).toBeLessThan(150);
  expect(await took(wait.until(Number.POSITIVE_INFINITY))).toBeGreaterThanOrEqual(280);
});
