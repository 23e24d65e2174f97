/**
 * GET (meterlink spec §9.3, §9.4): normal and with-list, with datablock reassembly.
 *
 * @module
 */

import { ByteReader } from '../../core/bytes.js';
import { InvalidArgumentError, ProtocolError } from '../../core/errors.js';
import { encodeApdu } from '../apdu/apdu-codec.js';
import { readGetDataResultList } from '../apdu/data-result.js';
import type { AttributeDescriptor, DataBlockG, GetDataResult, GetResponse } from '../apdu/types.js';
import { decodeData } from '../axdr/data-codec.js';
import type { Data } from '../axdr/types.js';
import { type AttributeInput, attributeDescriptor, describeAttribute } from './descriptors.js';
import { DataAccessError } from './errors.js';
import { concat, nameOf, type RequestName } from './exchange.js';
import { type DlmsRequestOptions, responseOf, type ServiceContext } from './service-context.js';

/** The outcome of one item of a with-list request. */
export type ListItemResult<T> =
  | {
      /** The item succeeded. */
      ok: true;
      /** Its value. */
      value: T;
    }
  | {
      /** The item failed. */
      ok: false;
      /** Why. */
      error: Error;
    };

/** An attribute value as the response carried it: decoded, or the encoded octets of a block transfer. */
export type EncodedValue =
  | {
      /** Decoded from a get-response-normal. */
      type: 'data';
      /** The value. */
      data: Data;
    }
  | {
      /** Reassembled from datablocks: the A-XDR encoding of the value. */
      type: 'bytes';
      /** The octets. */
      bytes: Uint8Array;
    };

/** Bound on a reassembled block transfer, so a meter cannot make the client grow without end. */
export const maxReassembledBytes = 64 * 1024 * 1024;

function checkSize(ctx: ServiceContext, request: Uint8Array, what: RequestName): void {
  if (request.length > ctx.maxRequestBytes) {
    throw new InvalidArgumentError(
      `${nameOf(what)}: the request of ${request.length} octets exceeds the ${ctx.maxRequestBytes} octets the meter accepts`,
    );
  }
}

/**
 * Collects the blocks of a long GET (§9.4): acknowledges each block with get-request-next and
 * returns the concatenated raw data.
 *
 * @throws ProtocolError for an unexpected block number; DataAccessError when the server ends the
 *   transfer with a result; the exchange's errors
 */
async function collectBlocks(
  ctx: ServiceContext,
  first: DataBlockG,
  invokeId: number,
  request: RequestName,
  attribute: string,
  options: DlmsRequestOptions | undefined,
): Promise<Uint8Array> {
  const what = nameOf(request);
  const invoke = { invokeId, confirmed: true, highPriority: true };
  // Quirk: some meters number the blocks from 0 (off by one).
  let expected = ctx.quirks.blockNumbersFromZero === true ? 0 : 1;
  const parts: Uint8Array[] = [];
  let total = 0;
  let block = first;
  for (;;) {
    if (block.blockNumber !== expected) {
      // §9.4 step 6: stop and report; the next request makes the server abandon the transfer.
      throw new ProtocolError(`${what}: datablock ${block.blockNumber} received, ${expected} expected`);
    }
    if (block.result.type === 'error') throw new DataAccessError(block.result.result, attribute);
    total += block.result.data.length;
    if (total > maxReassembledBytes) {
      throw new ProtocolError(`${what}: block transfer exceeds ${maxReassembledBytes} octets`);
    }
    parts.push(block.result.data.slice());
    if (block.lastBlock) return concat(parts);
    const next = encodeApdu({ type: 'get-request', variant: 'next', invoke, blockNumber: block.blockNumber });
    const response = (await ctx.exchange.request(
      next,
      responseOf('get-response', invokeId, ['with-datablock']),
      what,
      ctx.wait(options),
    )) as Extract<GetResponse, { variant: 'with-datablock' }>;
    block = response.block;
    expected++;
  }
}

/** Answers of a GET of one attribute: a value, or its first datablock (§9.4). */
const normalVariants = ['normal', 'with-datablock'];

/** How {@link readAttribute} hands the value over. */
interface ValueForm<T> {
  /** From a get-response-normal. */
  data(data: Data): T;
  /** From reassembled datablocks. */
  bytes(bytes: Uint8Array, ctx: ServiceContext): T;
}

const encodedForm: ValueForm<EncodedValue> = {
  data: (data) => ({ type: 'data', data }),
  bytes: (bytes) => ({ type: 'bytes', bytes }),
};

const dataForm: ValueForm<Data> = {
  data: (data) => data,
  bytes: (bytes, ctx) => decodeData(bytes, ctx.decodeOptions),
};

/**
 * Reads one attribute; the value comes back decoded, or as encoded octets when it arrived in
 * datablocks (the caller may decode it its own way, e.g. a profile buffer).
 *
 * @throws DataAccessError, ServiceError, ProtocolError, TimeoutError, AbortError, LinkClosedError,
 *   SecurityError, DecodeError; InvalidArgumentError for a bad descriptor or a request too large
 */
export function getEncoded(
  ctx: ServiceContext,
  input: AttributeInput,
  options?: DlmsRequestOptions,
): Promise<EncodedValue> {
  return readAttribute(ctx, input, options, encodedForm);
}

/**
 * Reads one attribute as `Data`.
 *
 * @throws see {@link getEncoded}; DecodeError when reassembled blocks do not decode
 */
export function getAttribute(
  ctx: ServiceContext,
  input: AttributeInput,
  options?: DlmsRequestOptions,
): Promise<Data> {
  return readAttribute(ctx, input, options, dataForm);
}

/** GET of one attribute (get-request-normal, datablocks reassembled), the value in `form`. */
async function readAttribute<T>(
  ctx: ServiceContext,
  input: AttributeInput,
  options: DlmsRequestOptions | undefined,
  form: ValueForm<T>,
): Promise<T> {
  const attribute = attributeDescriptor(input);
  // Built only when the request fails.
  const what = (): string => `GET ${describeAttribute(attribute)}`;
  const invoke = ctx.nextInvoke();
  const request = encodeApdu({
    type: 'get-request',
    variant: 'normal',
    invoke,
    attribute,
    access: input.access,
  });
  checkSize(ctx, request, what);
  const response = (await ctx.exchange.request(
    request,
    responseOf('get-response', invoke.invokeId, normalVariants),
    what,
    ctx.wait(options),
  )) as Exclude<GetResponse, { variant: 'with-list' }>;
  if (response.variant === 'normal') {
    if (response.result.type === 'error')
      throw new DataAccessError(response.result.result, describeAttribute(attribute));
    return form.data(response.result.data);
  }
  const bytes = await collectBlocks(
    ctx,
    response.block,
    invoke.invokeId,
    what,
    describeAttribute(attribute),
    options,
  );
  return form.bytes(bytes, ctx);
}

function resultOf(result: GetDataResult, attribute: AttributeDescriptor): ListItemResult<Data> {
  return result.type === 'data'
    ? { ok: true, value: result.data }
    : { ok: false, error: new DataAccessError(result.result, describeAttribute(attribute)) };
}

/**
 * Reads several attributes in one get-request-with-list (§9.3): one result per item, in order.
 *
 * @throws ProtocolError when the answer does not have one result per item; see {@link getEncoded}
 */
export async function getList(
  ctx: ServiceContext,
  inputs: readonly AttributeInput[],
  options?: DlmsRequestOptions,
): Promise<ListItemResult<Data>[]> {
  if (inputs.length === 0) return [];
  const items = inputs.map((input) => ({ attribute: attributeDescriptor(input), access: input.access }));
  const list = items.map((i) => describeAttribute(i.attribute)).join(', ');
  const what = `GET with-list of ${items.length} (${list})`;
  const invoke = ctx.nextInvoke();
  const request = encodeApdu({ type: 'get-request', variant: 'with-list', invoke, items });
  checkSize(ctx, request, what);
  const response = (await ctx.exchange.request(
    request,
    responseOf('get-response', invoke.invokeId, ['with-list', 'with-datablock']),
    what,
    ctx.wait(options),
  )) as Exclude<GetResponse, { variant: 'normal' }>;
  let results: GetDataResult[];
  if (response.variant === 'with-list') {
    results = response.results;
  } else {
    // §9.4: the blocks of a with-list answer carry the count followed by the Get-Data-Results.
    const bytes = await collectBlocks(ctx, response.block, invoke.invokeId, what, list, options);
    const reader = new ByteReader(bytes, 'apdu');
    results = readGetDataResultList(reader, ctx.decodeOptions);
    reader.expectEnd('the end of the reassembled get-response-with-list');
  }
  if (results.length !== items.length) {
    throw new ProtocolError(`${what}: ${results.length} results for ${items.length} attributes`);
  }
  return results.map((r, i) => resultOf(r, items[i]!.attribute));
}
