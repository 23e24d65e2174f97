/**
 * Profile generic (class_id 7, version 1; meterlink spec §11.3): a buffer of captured rows with
 * range and entry selective access. The buffer is either stored (rows captured by the `capture`
 * method or {@link ProfileGeneric.capture}) or generated: every row is computed, when read, by
 * reading the capture objects as they were at that capture time — so a 30-day 15-minute load
 * profile costs nothing until it is read, and always agrees with the registers it captures.
 *
 * @module
 */

import { InvalidArgumentError } from '../../../core/errors.js';
import type { DataAccessResultName } from '../../apdu/results.js';
import type { Data } from '../../axdr/types.js';
import { type CaptureObject, captureObjectData, parseCaptureObjects } from '../../cosem/capture-objects.js';
import { parseObis } from '../../cosem/obis.js';
import type { SelectiveAccess } from '../../cosem/selective-access.js';
import type { CosemRequestContext, GetOutcome } from '../cosem-object.js';
import { actionFailure, actionSuccess, BaseCosemObject, dummyMethod } from './base-object.js';
import { arrayOfChecked, isCaptureObject } from './data-values.js';
import { internalContext, type ObjectDirectory } from './object-directory.js';
import { type BufferSelection, bufferSelection, isDateTimeColumn, rangeKey } from './profile-selection.js';

/** Options of {@link ProfileGeneric}. */
export interface ProfileGenericOptions {
  /** Logical name (`'1.0.99.1.0.255'` or 6 octets). */
  logicalName: string | Uint8Array;
  /** The columns (capture_objects), in row order. */
  captureObjects: readonly CaptureObject[];
  /** Where the captured values are read. */
  directory: ObjectDirectory;
  /** capture_period in seconds; required (≥ 1) for a generated buffer. Default 0 (captures triggered externally). */
  capturePeriod?: number;
  /** profile_entries: the buffer capacity, 1…`maxProfileEntries`. */
  profileEntries: number;
  /**
   * Largest profile_entries a client may write: a generated buffer of that many rows is computed
   * whenever it is read whole. Default 100 000.
   */
  maxProfileEntries?: number;
  /**
   * Generate the buffer: one row per multiple of capture_period since the Unix epoch, the last
   * one at or before the request time, `profileEntries` of them (or fewer since `since`).
   * Default false (a stored buffer).
   */
  generated?: boolean;
  /** Generated buffers: the first capture is at or after this instant. Default: the buffer is always full. */
  since?: Date;
  /** Stored buffers: the initial rows, oldest first (each with one cell per capture object). */
  rows?: readonly (readonly Data[])[];
}

/** A stored row: the structure a buffer read returns, one cell per capture object. */
type StoredRow = { type: 'structure'; value: Data[] };

/** A stored row of `cells`, one cell per column (missing cells are null-data). */
function storedRow(cells: readonly Data[], columnCount: number): StoredRow {
  const value: Data[] = [];
  for (let c = 0; c < columnCount; c++) value.push(cells[c] ?? { type: 'null-data' });
  return { type: 'structure', value };
}

/** Whether `columns` are all `count` columns in order (a read of whole rows). */
function wholeRows(columns: readonly number[], count: number): boolean {
  return columns.length === count && columns.every((column, i) => column === i);
}

/** The sort_object of a fifo profile: no sort object (§11.3). */
const noSortObject: CaptureObject = {
  classId: 0,
  logicalName: '0.0.0.0.0.0',
  attributeIndex: 0,
  dataIndex: 0,
};

/**
 * A simulated Profile generic (class 7, version 1), sorted fifo (entry 1 = the oldest).
 *
 * Attributes 3 (capture_objects, each must name an object of the directory; a stored buffer is
 * emptied), 4 (capture_period) and 8 (profile_entries, the oldest rows beyond it are dropped) are
 * writable. Methods: 1 reset (empties a stored buffer; a generated one restarts empty at the
 * reset time), 2 capture (stored buffers; a generated buffer answers `read-write-denied`: it
 * captures on its period).
 *
 * @example
 * ```ts
 * const profile = new ProfileGeneric({
 *   logicalName: '1.0.99.1.0.255', directory, generated: true, capturePeriod: 900, profileEntries: 2880,
 *   captureObjects: [{ classId: 8, logicalName: '0.0.1.0.0.255', attributeIndex: 2, dataIndex: 0 }],
 * });
 * ```
 */
export class ProfileGeneric extends BaseCosemObject {
  readonly #directory: ObjectDirectory;
  readonly #generated: boolean;
  #captureObjects: readonly CaptureObject[];
  #capturePeriod: number;
  #profileEntries: number;
  readonly #maxProfileEntries: number;
  #since: number | undefined;
  /**
   * The stored buffer, oldest first. A read of whole rows returns these structures themselves
   * (the encoder only reads them), so a 10 000-row read builds no row.
   */
  #rows: StoredRow[];

  /**
   * @param options - Columns, directory, period, capacity and the kind of buffer.
   * @throws InvalidArgumentError when the logical name is not an OBIS code, a generated buffer
   *   has no capture period, or the capacity is not a positive integer
   */
  constructor(options: ProfileGenericOptions) {
    const profile = (): ProfileGeneric => this!;
    super({
      classId: 7,
      version: 1,
      logicalName: parseObis(options.logicalName),
      attributes: [
        { get: (context, access) => profile().#buffer(context, access), selectors: [1, 2] },
        {
          get: () => ({ type: 'array', value: profile().#captureObjects.map(captureObjectData) }),
          set: (value) => profile().#setCaptureObjects(value),
        },
        {
          get: () => ({ type: 'double-long-unsigned', value: profile().#capturePeriod }),
          set: (value) => profile().#setCapturePeriod(value),
        },
        { get: () => ({ type: 'enum', value: 1 }) },
        { get: () => captureObjectData(noSortObject) },
        { get: (context) => ({ type: 'double-long-unsigned', value: profile().#entries(context.now) }) },
        {
          get: () => ({ type: 'double-long-unsigned', value: profile().#profileEntries }),
          set: (value) => profile().#setProfileEntries(value),
        },
      ],
      methods: [
        dummyMethod((context) => {
          profile().#rows = [];
          profile().#since = context.now.getTime();
          return actionSuccess;
        }),
        dummyMethod((context) => {
          if (profile().#generated) return actionFailure('read-write-denied');
          profile().#captureRow(context);
          return actionSuccess;
        }),
      ],
    });
    this.#directory = options.directory;
    this.#generated = options.generated === true;
    this.#captureObjects = [...options.captureObjects];
    this.#capturePeriod = options.capturePeriod ?? 0;
    if (this.#generated && !(this.#capturePeriod >= 1)) {
      throw new InvalidArgumentError('a generated profile needs a capture period of at least 1 s');
    }
    this.#maxProfileEntries = options.maxProfileEntries ?? 100_000;
    if (
      !Number.isInteger(options.profileEntries) ||
      options.profileEntries < 1 ||
      options.profileEntries > this.#maxProfileEntries
    ) {
      throw new InvalidArgumentError(
        `profileEntries must be an integer 1–${this.#maxProfileEntries}, got ${options.profileEntries}`,
      );
    }
    this.#profileEntries = options.profileEntries;
    this.#since = options.since?.getTime();
    const columnCount = this.#captureObjects.length;
    this.#rows = (options.rows ?? []).slice(-this.#profileEntries).map((row) => storedRow(row, columnCount));
  }

  /**
   * Captures a row now (stored buffers): reads every capture object at `now`. The oldest row is
   * dropped when the buffer is full (fifo). A generated buffer ignores the call.
   */
  capture(now: Date): void {
    if (!this.#generated) this.#captureRow(internalContext(now));
  }

  #captureRow(context: CosemRequestContext): void {
    const cells = this.#captureObjects.map((c) => this.#directory.read(c, context));
    this.#rows.push({ type: 'structure', value: cells });
    if (this.#rows.length > this.#profileEntries)
      this.#rows.splice(0, this.#rows.length - this.#profileEntries);
  }

  /** The instant (ms) of the last generated capture at or before `now`. */
  #lastCapture(now: Date): number {
    const period = this.#capturePeriod * 1000;
    return Math.floor(now.getTime() / period) * period;
  }

  #entries(now: Date): number {
    if (!this.#generated) return this.#rows.length;
    if (this.#since === undefined) return this.#profileEntries;
    const period = this.#capturePeriod * 1000;
    const first = Math.ceil(this.#since / period) * period;
    const last = this.#lastCapture(now);
    return last < first ? 0 : Math.min(this.#profileEntries, (last - first) / period + 1);
  }

  /** The context of generated entry `index` (0 = oldest of `count`): the request, at its capture time. */
  #entryContext(context: CosemRequestContext, index: number, count: number): CosemRequestContext {
    const time = this.#lastCapture(context.now) - (count - 1 - index) * this.#capturePeriod * 1000;
    return { ...context, now: new Date(time) };
  }

  #cell(context: CosemRequestContext, index: number, count: number, column: number): Data {
    if (!this.#generated) return this.#rows[index]!.value[column]!;
    return this.#directory.read(this.#captureObjects[column]!, this.#entryContext(context, index, count));
  }

  #row(
    context: CosemRequestContext,
    index: number,
    count: number,
    columns: readonly number[],
    whole: boolean,
  ): Data {
    if (!this.#generated) {
      const row = this.#rows[index]!;
      return whole ? row : { type: 'structure', value: columns.map((c) => row.value[c]!) };
    }
    const at = this.#entryContext(context, index, count);
    return {
      type: 'structure',
      value: columns.map((c) => this.#directory.read(this.#captureObjects[c]!, at)),
    };
  }

  #buffer(context: CosemRequestContext, access: SelectiveAccess | undefined): GetOutcome {
    const count = this.#entries(context.now);
    const all = this.#captureObjects.map((_, i) => i);
    const selection: BufferSelection | { failure: DataAccessResultName } =
      access === undefined
        ? { kind: 'entries', from: 0, to: Number.POSITIVE_INFINITY, columns: all }
        : bufferSelection(access, this.#captureObjects);
    if ('failure' in selection) return selection;
    // Generated rows are in time order; a stored buffer need not be (the clock may have been set
    // back), nor is any other column: those rows are tested one by one.
    const ordered =
      selection.kind === 'range' &&
      this.#generated &&
      isDateTimeColumn(this.#captureObjects[selection.column]!);
    const [first, last] =
      selection.kind === 'entries'
        ? [selection.from, Math.min(selection.to, count - 1)]
        : ordered
          ? this.#range(context, count, selection.column, selection.from, selection.to, selection.floating)
          : [0, count - 1];
    const whole = wholeRows(selection.columns, this.#captureObjects.length);
    if (selection.kind === 'entries' && whole && !this.#generated) {
      return { type: 'array', value: this.#rows.slice(first, last + 1) };
    }
    const rows: Data[] = [];
    for (let i = first; i <= last; i++) {
      if (selection.kind === 'range' && !ordered) {
        const key = rangeKey(this.#cell(context, i, count, selection.column), selection.floating);
        if (key === undefined || key < selection.from || key > selection.to) continue;
      }
      rows.push(this.#row(context, i, count, selection.columns, whole));
    }
    return { type: 'array', value: rows };
  }

  /**
   * The generated entries whose time column lies in [from, to]: the rows are in capture order,
   * so two binary searches find them while computing only ~2·log2(n) cells.
   */
  #range(
    context: CosemRequestContext,
    count: number,
    column: number,
    from: number,
    to: number,
    floating: boolean,
  ): [number, number] {
    const key = (i: number): number =>
      rangeKey(this.#cell(context, i, count, column), floating) ?? Number.NEGATIVE_INFINITY;
    const lowerBound = (pass: (k: number) => boolean): number => {
      let lo = 0;
      let hi = count;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (pass(key(mid))) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    };
    return [lowerBound((k) => k >= from), lowerBound((k) => k > to) - 1];
  }

  #setCaptureObjects(value: Data): DataAccessResultName {
    if (!arrayOfChecked(isCaptureObject)(value)) return 'type-unmatched';
    const columns = parseCaptureObjects(value);
    if (columns.some((c) => this.#directory.find(c.classId, c.logicalName) === undefined)) {
      return 'object-unavailable';
    }
    // Blue Book: changing capture_objects empties the buffer.
    this.#captureObjects = columns;
    this.#rows = [];
    return 'success';
  }

  #setCapturePeriod(value: Data): DataAccessResultName {
    if (value.type !== 'double-long-unsigned' || (this.#generated && value.value < 1))
      return 'type-unmatched';
    this.#capturePeriod = value.value;
    return 'success';
  }

  #setProfileEntries(value: Data): DataAccessResultName {
    if (value.type !== 'double-long-unsigned' || value.value < 1 || value.value > this.#maxProfileEntries) {
      return 'type-unmatched';
    }
    this.#profileEntries = value.value;
    if (this.#rows.length > value.value) this.#rows.splice(0, this.#rows.length - value.value);
    return 'success';
  }
}
