/**
 * Sending a long SET value or ACTION parameter in blocks (meterlink spec §9.5, §9.6): the encoded
 * value is cut into DataBlock-SA blocks numbered from 1 that each fit the server's max receive
 * PDU size; every non-last block must be acknowledged with its own number.
 *
 * @module
 */

import { InvalidArgumentError, ProtocolError } from '../../core/errors.js';
import { encodeApdu } from '../apdu/apdu-codec.js';
import type { Apdu, DataBlockSA } from '../apdu/types.js';
import { type DlmsRequestOptions, responseOf, type ServiceContext } from './service-context.js';

/** How the blocks of one transfer are built and acknowledged. */
export interface BlockPlan {
  /** Builds the request APDU carrying `block` (`first` for block 1, which repeats the descriptors). */
  build(block: DataBlockSA, first: boolean): Apdu;
  /** The response service. */
  responseType: Apdu['type'];
  /** The invoke-id of the transfer. */
  invokeId: number;
  /** The variant acknowledging a non-last block (it carries `blockNumber`). */
  ackVariant: string;
  /** The variants that may answer the last block. */
  finalVariants: readonly string[];
}

/**
 * Sends `raw` in blocks and returns the answer to the last one.
 *
 * @throws InvalidArgumentError when not even one octet fits a block; ProtocolError for a wrong
 *   acknowledgement; the exchange's errors
 */
export async function sendInBlocks(
  ctx: ServiceContext,
  raw: Uint8Array,
  plan: BlockPlan,
  what: string,
  options: DlmsRequestOptions | undefined,
): Promise<Apdu> {
  const empty = new Uint8Array(0);
  // The raw-data length prefix grows from 1 to at most 3 octets (§6.1) once data is in the block.
  const overhead =
    encodeApdu(plan.build({ lastBlock: false, blockNumber: 1, rawData: empty }, true)).length + 2;
  const size = ctx.maxRequestBytes - overhead;
  if (size < 1) {
    throw new InvalidArgumentError(
      `${what}: the meter's PDU size of ${ctx.maxRequestBytes} octets leaves no room for data blocks`,
    );
  }
  const count = Math.ceil(raw.length / size);
  for (let i = 0; i < count; i++) {
    const blockNumber = i + 1;
    const lastBlock = blockNumber === count;
    const block: DataBlockSA = { lastBlock, blockNumber, rawData: raw.subarray(i * size, (i + 1) * size) };
    const request = encodeApdu(plan.build(block, i === 0));
    const variants = lastBlock ? plan.finalVariants : [plan.ackVariant];
    const response = await ctx.exchange.request(
      request,
      responseOf(plan.responseType, plan.invokeId, variants),
      what,
      ctx.wait(options),
    );
    if (lastBlock) return response;
    const acknowledged = (response as { blockNumber: number }).blockNumber;
    if (acknowledged !== blockNumber) {
      throw new ProtocolError(`${what}: block ${blockNumber} sent, block ${acknowledged} acknowledged`);
    }
  }
  // count ≥ 1 always (raw is never empty: an encoded Data has at least its tag).
  throw new ProtocolError(`${what}: nothing to send`);
}
