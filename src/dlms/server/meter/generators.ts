/**
 * The value generators of a meter definition (see `meter-definition.ts`): raw values as
 * functions of time.
 *
 * @module
 */

import { Fields, MeterDefinitionError } from './definition-fields.js';
import { noise } from './noise.js';

/** A raw value as a function of time. */
export type Generator = (now: Date) => number;

/**
 * Reads a generator definition.
 *
 * @param value - The JSON `generator` field.
 * @param path - Its path.
 * @param seed - The definition's seed.
 * @param stream - A number unique to the object, so each object's noise differs.
 * @throws MeterDefinitionError naming the offending field
 */
export function readGenerator(value: unknown, path: string, seed: number, stream: number): Generator {
  const kind = new Fields(value, path, [
    'kind',
    'start',
    'perHour',
    'since',
    'mean',
    'amplitude',
    'periodSeconds',
    'phaseSeconds',
    'noise',
  ]).raw('kind');
  if (kind === 'counter') {
    const f = new Fields(value, path, ['kind', 'start', 'perHour', 'since']);
    const start = f.number('start', 0);
    const perHour = f.number('perHour');
    const since = Date.parse(f.text('since', '2024-01-01T00:00:00Z'));
    if (Number.isNaN(since)) throw new MeterDefinitionError(f.at('since'), 'must be an ISO date-time');
    return (now) => start + (perHour * Math.max(0, now.getTime() - since)) / 3_600_000;
  }
  if (kind === 'wave') {
    const f = new Fields(value, path, [
      'kind',
      'mean',
      'amplitude',
      'periodSeconds',
      'phaseSeconds',
      'noise',
    ]);
    const mean = f.number('mean');
    const amplitude = f.number('amplitude', 0);
    const period = f.number('periodSeconds', 86_400) * 1000;
    if (period < 1000) throw new MeterDefinitionError(f.at('periodSeconds'), 'must be at least 1');
    const phase = f.number('phaseSeconds', 0) * 1000;
    const noiseAmplitude = f.number('noise', 0);
    return (now) =>
      mean +
      amplitude * Math.sin((2 * Math.PI * (now.getTime() + phase)) / period) +
      noiseAmplitude * (2 * noise(seed, stream, Math.floor(now.getTime() / 10_000)) - 1);
  }
  throw new MeterDefinitionError(`${path}.kind`, `must be "counter" or "wave", got ${JSON.stringify(kind)}`);
}
