/**
 * MQTT topic filter matching (MQTT 3.1.1 §4.7, MQTT 5 §4.7): `+` one level, `#` the rest.
 *
 * @module
 */

/**
 * `true` when `topic` matches `filter`. A shared-subscription prefix (`$share/{group}/`) is
 * ignored; wildcards do not match topics starting with `$` at the first level (§4.7.2).
 *
 * @example
 * ```ts
 * topicMatches('site/+/status', 'site/gw-1/status'); // true
 * topicMatches('site/#', 'site'); // true
 * ```
 */
export function topicMatches(filter: string, topic: string): boolean {
  const shared = /^\$share\/[^/]+\//.exec(filter);
  const f = (shared === null ? filter : filter.slice(shared[0].length)).split('/');
  const t = topic.split('/');
  if (t[0]?.startsWith('$') && (f[0] === '+' || f[0] === '#')) return false;
  for (let i = 0; i < f.length; i++) {
    const level = f[i];
    if (level === '#') return true;
    if (i >= t.length) return false;
    if (level !== '+' && level !== t[i]) return false;
  }
  return f.length === t.length;
}
