/// <reference path="./buffer-layout.d.ts" />
/**
 * The one door to `buffer-layout`: the reference above brings its type declarations into any
 * program that compiles these files (a declaration build that starts from the entry points
 * does not see `buffer-layout.d.ts` otherwise).
 *
 * @module
 */

export { DoubleBE, FloatBE, IntBE, Layout, UIntBE } from 'buffer-layout';
