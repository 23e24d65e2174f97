/**
 * Push setup (class_id 40, version 0; meterlink spec §11.3, data-notification §9.9): what a push
 * carries and where it goes. The `push` method builds the notification body from
 * push_object_list and hands it to a sender the server core provides.
 *
 * @module
 */

import type { Data } from '../../axdr/types.js';
import { type CaptureObject, captureObjectData, parseCaptureObjects } from '../../cosem/capture-objects.js';
import { formatObis, parseObis } from '../../cosem/obis.js';
import type { CosemRequestContext } from '../cosem-object.js';
import {
  actionFailure,
  actionSuccess,
  BaseCosemObject,
  dummyMethod,
  StoredAttribute,
} from './base-object.js';
import { arrayOfChecked, type DataCheck, inRange, isCaptureObject, octetsOfLength } from './data-values.js';
import type { ObjectDirectory } from './object-directory.js';

/** send_destination_and_method (attribute 3). */
export interface PushDestination {
  /** transport_service: 0 TCP, 1 UDP, 2 FTP, 3 SMTP, 4 SMS, 5 HDLC, 6 M-Bus, 7 ZigBee. */
  transport: number;
  /** The destination, e.g. the ASCII `'127.0.0.1:4059'`. */
  destination: Uint8Array;
  /** message: 0 A-XDR encoded xDLMS APDU, 1 XML. */
  message: number;
}

/** A push to send: what the server core turns into a data-notification (§9.9). */
export interface PushNotification {
  /** Logical name of the Push setup, dotted. */
  pushSetup: string;
  /** The notification-body: a structure with one element per push_object_list entry. */
  body: Data;
  /** When the push was triggered (the request time). */
  time: Date;
  /** Where to send it (attribute 3, as it is now). */
  destination: PushDestination;
  /** The request that triggered it (the `push` method call), or an internal context. */
  context: CosemRequestContext;
}

/** Sends a push; provided by the server core. */
export type PushSender = (notification: PushNotification) => void;

/** Options of {@link PushSetup}. */
export interface PushSetupOptions {
  /** Logical name. Default `'0.0.25.9.0.255'`. */
  logicalName?: string | Uint8Array;
  /** push_object_list: the body's elements, in order. */
  pushObjects: readonly CaptureObject[];
  /** Where the pushed values are read. */
  directory: ObjectDirectory;
  /** send_destination_and_method. Default TCP, `'127.0.0.1:4059'`, A-XDR. */
  destination?: PushDestination;
  /** randomisation_start_interval in s. Default 0. */
  randomisationStartInterval?: number;
  /** number_of_retries. Default 0. */
  numberOfRetries?: number;
  /** repetition_delay in s. Default 0. */
  repetitionDelay?: number;
  /** The sender (also settable later through {@link PushSetup.sender}). */
  sender?: PushSender;
}

const isWindow: DataCheck = (value) =>
  value.type === 'structure' && value.value.length === 2 && value.value.every((v) => octetsOfLength(12)(v));

const isDestination: DataCheck = (value) =>
  value.type === 'structure' &&
  value.value.length === 3 &&
  value.value[0]?.type === 'enum' &&
  value.value[1]?.type === 'octet-string' &&
  value.value[2]?.type === 'enum';

/**
 * A simulated Push setup (class 40, version 0). Every attribute is writable with its §11.3 type.
 * `push` (method 1) answers `temporary-failure` while no sender is attached.
 *
 * @example
 * ```ts
 * const push = new PushSetup({ directory, pushObjects: [clockTime, energy] });
 * push.sender = (n) => server.notify(n);
 * ```
 */
export class PushSetup extends BaseCosemObject {
  /** Sends the pushes; the server core attaches it. */
  sender: PushSender | undefined;
  readonly #objects: StoredAttribute;
  readonly #destination: StoredAttribute;
  readonly #directory: ObjectDirectory;

  /**
   * @param options - Push objects, directory, destination, timing and the sender.
   * @throws InvalidArgumentError when a logical name is not an OBIS code
   */
  constructor(options: PushSetupOptions) {
    const destination = options.destination ?? {
      transport: 0,
      destination: new TextEncoder().encode('127.0.0.1:4059'),
      message: 0,
    };
    const objects = new StoredAttribute(
      { type: 'array', value: options.pushObjects.map(captureObjectData) },
      arrayOfChecked(isCaptureObject),
    );
    const destinationAttribute = new StoredAttribute(
      {
        type: 'structure',
        value: [
          { type: 'enum', value: destination.transport },
          { type: 'octet-string', value: destination.destination },
          { type: 'enum', value: destination.message },
        ],
      },
      isDestination,
    );
    super({
      classId: 40,
      version: 0,
      logicalName: parseObis(options.logicalName ?? '0.0.25.9.0.255'),
      attributes: [
        objects,
        destinationAttribute,
        new StoredAttribute({ type: 'array', value: [] }, arrayOfChecked(isWindow)),
        new StoredAttribute(
          { type: 'long-unsigned', value: options.randomisationStartInterval ?? 0 },
          inRange('long-unsigned', 0, 0xffff),
        ),
        new StoredAttribute(
          { type: 'unsigned', value: options.numberOfRetries ?? 0 },
          inRange('unsigned', 0, 0xff),
        ),
        new StoredAttribute(
          { type: 'long-unsigned', value: options.repetitionDelay ?? 0 },
          inRange('long-unsigned', 0, 0xffff),
        ),
      ],
      methods: [
        dummyMethod((context) => (this!.push(context) ? actionSuccess : actionFailure('temporary-failure'))),
      ],
    });
    this.sender = options.sender;
    this.#objects = objects;
    this.#destination = destinationAttribute;
    this.#directory = options.directory;
  }

  /** push_object_list as it is now. */
  get pushObjects(): CaptureObject[] {
    return parseCaptureObjects(this.#objects.value);
  }

  /**
   * Builds the notification from push_object_list at `context.now` and hands it to the sender.
   *
   * @returns false when no sender is attached (nothing is built).
   */
  push(context: CosemRequestContext): boolean {
    const sender = this.sender;
    if (sender === undefined) return false;
    const [transport, destination, message] = (this.#destination.value as { value: unknown }).value as [
      { value: number },
      { value: Uint8Array },
      { value: number },
    ];
    sender({
      pushSetup: formatObis(this.logicalName),
      body: { type: 'structure', value: this.pushObjects.map((c) => this.#directory.read(c, context)) },
      time: context.now,
      destination: { transport: transport.value, destination: destination.value, message: message.value },
      context,
    });
    return true;
  }
}
