/**
 * Disconnect control (class_id 70, version 0; meterlink spec §11.3): the supply breaker.
 *
 * @module
 */

import { parseObis } from '../../cosem/obis.js';
import {
  actionFailure,
  actionSuccess,
  BaseCosemObject,
  dummyMethod,
  StoredAttribute,
} from './base-object.js';
import { inRange } from './data-values.js';

/** control_state (attribute 3). */
export type ControlState = 'disconnected' | 'connected' | 'ready-for-reconnection';

const stateValues: Readonly<Record<ControlState, number>> = {
  disconnected: 0,
  connected: 1,
  'ready-for-reconnection': 2,
};

/** Options of {@link DisconnectControl}. */
export interface DisconnectControlOptions {
  /** Logical name. Default `'0.0.96.3.10.255'`. */
  logicalName?: string | Uint8Array;
  /** control_mode 0–6 (writable). Default 1. */
  controlMode?: number;
  /** Initial state. Default `'connected'`. */
  state?: ControlState;
  /** Told after every change of state, with the cause and the time of the request (or button press). */
  onChange?: (state: ControlState, cause: 'remote' | 'manual', now: Date) => void;
}

/**
 * A simulated Disconnect control (class 70). Remote transitions follow the Blue Book modes:
 * control_mode 0 never disconnects (both methods answer `read-write-denied`); in modes 1–6
 * `remote_disconnect` opens the supply; `remote_reconnect` closes it directly in modes 2, 4 and 6
 * and only arms it (`ready-for-reconnection`, waiting for {@link DisconnectControl.manualReconnect},
 * the customer's button) in modes 1, 3 and 5. output_state is true only while connected.
 *
 * @example
 * ```ts
 * const breaker = new DisconnectControl({ controlMode: 2 });
 * breaker.action(1, { type: 'integer', value: 0 }, context); // remote_disconnect
 * ```
 */
export class DisconnectControl extends BaseCosemObject {
  #state: ControlState;
  readonly #onChange: DisconnectControlOptions['onChange'];

  /**
   * @param options - Logical name, control mode, initial state.
   * @throws InvalidArgumentError when the logical name is not an OBIS code
   */
  constructor(options: DisconnectControlOptions = {}) {
    const mode = new StoredAttribute(
      { type: 'enum', value: options.controlMode ?? 1 },
      inRange('enum', 0, 6),
    );
    const modeValue = (): number => (mode.value as { value: number }).value;
    const control = (): DisconnectControl => this!;
    super({
      classId: 70,
      version: 0,
      logicalName: parseObis(options.logicalName ?? '0.0.96.3.10.255'),
      attributes: [
        { get: () => ({ type: 'boolean', value: control().#state === 'connected' }) },
        { get: () => ({ type: 'enum', value: stateValues[control().#state] }) },
        mode,
      ],
      methods: [
        dummyMethod((context) => {
          if (modeValue() === 0) return actionFailure('read-write-denied');
          control().#change('disconnected', 'remote', context.now);
          return actionSuccess;
        }),
        dummyMethod((context) => {
          if (modeValue() === 0) return actionFailure('read-write-denied');
          if (control().#state !== 'connected') {
            const next = modeValue() % 2 === 0 ? 'connected' : 'ready-for-reconnection';
            control().#change(next, 'remote', context.now);
          }
          return actionSuccess;
        }),
      ],
    });
    this.#state = options.state ?? 'connected';
    this.#onChange = options.onChange;
  }

  /** The control state. */
  get state(): ControlState {
    return this.#state;
  }

  /**
   * The customer presses the button: a meter `ready-for-reconnection` connects.
   *
   * @param now - When the button is pressed. Default: now.
   * @returns Whether the supply was reconnected.
   */
  manualReconnect(now: Date = new Date()): boolean {
    if (this.#state !== 'ready-for-reconnection') return false;
    this.#change('connected', 'manual', now);
    return true;
  }

  #change(state: ControlState, cause: 'remote' | 'manual', now: Date): void {
    if (state === this.#state) return;
    this.#state = state;
    this.#onChange?.(state, cause, now);
  }
}
