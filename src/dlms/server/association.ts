/**
 * The state of one open (or HLS-pending) association on one connection (meterlink spec §7,
 * §10.8), and the block transfers in progress on it (§9.4–§9.6).
 *
 * @module
 */

import type { Conformance } from '../apdu/acse/conformance.js';
import type { AttributeAccess, MethodDescriptor } from '../apdu/types.js';
import type { CipheredEnvelope } from '../security/protect.js';
import type { SecurityMode } from '../security/security-control.js';
import type { GbtIncoming, GbtOutgoing } from './gbt.js';
import type { AssociationConfig, LogicalDevice } from './logical-device.js';
import type { ServedObject } from './served-object.js';

/** A long GET (or ACTION result) being sent block by block. */
export interface OutgoingBlocks {
  /** `get` answers get-request-next, `action` answers action-request-next-pblock. */
  readonly service: 'get' | 'action';
  /** The encoded result being sent. */
  readonly data: Uint8Array;
  /** Octets per block. */
  readonly blockSize: number;
  /** Number of the last block sent (from 1). */
  lastSent: number;
}

/** A long SET or ACTION whose value arrives block by block. */
export interface IncomingBlocks {
  /** Which request started it. */
  readonly service: 'set' | 'set-with-list' | 'action' | 'action-with-list';
  /** The attributes (SET) being written. */
  readonly attributes: readonly AttributeAccess[];
  /** The methods (ACTION) being called. */
  readonly methods: readonly MethodDescriptor[];
  /** Blocks received so far. */
  readonly parts: Uint8Array[];
  /** Octets received so far. */
  size: number;
  /** Number of the last block received. */
  lastReceived: number;
}

/** How a request arrived protected, to protect its response the same way (§10.6). */
export interface RequestProtection {
  /** Envelope family of the request. */
  readonly envelope: CipheredEnvelope;
  /** Protections it had. */
  readonly security: SecurityMode;
}

/** One association: negotiated parameters, authentication state, transfers in progress. */
export interface Association {
  /** The logical device. */
  readonly device: LogicalDevice;
  /** The association's configuration. */
  readonly config: AssociationConfig;
  /** `pending` until HLS pass 4 succeeded, `failed` after a wrong f(StoC). */
  status: 'pending' | 'associated' | 'failed';
  /** The ciphered application context was accepted (§7.4). */
  readonly ciphered: boolean;
  /** Negotiated conformance (§7.6.1). */
  readonly conformance: Conformance;
  /** client-max-receive-pdu-size (0 read as 65535, §14.7). */
  readonly clientMaxPdu: number;
  /** Largest APDU the server sends: min(server maxPduSize, client's). */
  readonly sendLimit: number;
  /** The calling-AP-title. */
  readonly clientSystemTitle: Uint8Array | undefined;
  /** Dedicated key proposed in the InitiateRequest (ded- APDUs, §10.2). */
  readonly dedicatedKey: Uint8Array | undefined;
  /** HLS: the client's challenge CtoS. */
  readonly clientChallenge: Uint8Array | undefined;
  /** HLS: the server's challenge StoC. */
  readonly serverChallenge: Uint8Array | undefined;
  /** The current Association LN object as this association sees it. */
  object: ServedObject | undefined;
  /** Long GET / ACTION result in progress. */
  outgoing: OutgoingBlocks | undefined;
  /** Long SET / ACTION parameters in progress. */
  incoming: IncomingBlocks | undefined;
  /** General-block-transfer request being received. */
  gbtIn: GbtIncoming | undefined;
  /** General-block-transfer response being sent. */
  gbtOut: GbtOutgoing | undefined;
}
