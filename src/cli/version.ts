/**
 * The package version, inlined from `package.json` by the bundler.
 *
 * @module
 */

import { version as packageVersion } from '../../package.json';

/** The meterlink version, e.g. `0.1.0`. */
export const version: string = packageVersion;
