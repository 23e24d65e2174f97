/**
 * SET (meterlink spec §9.5): normal and with-list, in datablocks when the request would exceed
 * the server's max receive PDU size.
 *
 * @module
 */

import { ByteWriter } from '../../core/bytes.js';
import { InvalidArgumentError, ProtocolError } from '../../core/errors.js';
import { encodeApdu } from '../apdu/apdu-codec.js';
import { writeDataList } from '../apdu/lists.js';
import type { DataAccessResult } from '../apdu/results.js';
import type { SetResponse } from '../apdu/types.js';
import { encodeData } from '../axdr/data-codec.js';
import type { Data } from '../axdr/types.js';
import { sendInBlocks } from './block-sender.js';
import { attributeDescriptor, describeAttribute, type SetItem } from './descriptors.js';
import { DataAccessError } from './errors.js';
import type { ListItemResult } from './get-service.js';
import { type DlmsRequestOptions, responseOf, type ServiceContext } from './service-context.js';

function tooLarge(ctx: ServiceContext, what: string, size: number): never {
  throw new InvalidArgumentError(
    `${what}: the request of ${size} octets exceeds the meter's ${ctx.maxRequestBytes} octets and block transfer with SET was not negotiated`,
  );
}

/**
 * Writes one attribute.
 *
 * @throws DataAccessError, ServiceError, ProtocolError, TimeoutError, AbortError, LinkClosedError,
 *   SecurityError, DecodeError; InvalidArgumentError for a bad descriptor, or a value too large
 *   without block transfer
 */
export async function setAttribute(
  ctx: ServiceContext,
  item: SetItem,
  options?: DlmsRequestOptions,
): Promise<void> {
  const attribute = attributeDescriptor(item);
  const what = `SET ${describeAttribute(attribute)}`;
  const invoke = ctx.nextInvoke();
  const access = item.access;
  const request = encodeApdu(
    { type: 'set-request', variant: 'normal', invoke, attribute, access, value: item.value },
    ctx.decodeOptions,
  );
  let result: DataAccessResult;
  if (request.length <= ctx.maxRequestBytes) {
    const response = (await ctx.exchange.request(
      request,
      responseOf('set-response', invoke.invokeId, ['normal']),
      what,
      ctx.wait(options),
    )) as Extract<SetResponse, { variant: 'normal' }>;
    result = response.result;
  } else {
    if (!ctx.conformance.blockTransferWithSetOrWrite) tooLarge(ctx, what, request.length);
    const response = (await sendInBlocks(
      ctx,
      encodeData(item.value, ctx.decodeOptions),
      {
        build: (block, first) =>
          first
            ? { type: 'set-request', variant: 'with-first-datablock', invoke, attribute, access, block }
            : { type: 'set-request', variant: 'with-datablock', invoke, block },
        responseType: 'set-response',
        invokeId: invoke.invokeId,
        ackVariant: 'datablock',
        finalVariants: ['last-datablock'],
      },
      what,
      options,
    )) as Extract<SetResponse, { variant: 'last-datablock' }>;
    result = response.result;
  }
  if (result !== 'success') throw new DataAccessError(result, describeAttribute(attribute), 'SET');
}

/**
 * Writes several attributes in one set-request-with-list: one result per item, in order.
 *
 * @throws ProtocolError when the answer does not have one result per item; see {@link setAttribute}
 */
export async function setList(
  ctx: ServiceContext,
  inputs: readonly SetItem[],
  options?: DlmsRequestOptions,
): Promise<ListItemResult<undefined>[]> {
  if (inputs.length === 0) return [];
  const items = inputs.map((input) => ({ attribute: attributeDescriptor(input), access: input.access }));
  const values: Data[] = inputs.map((i) => i.value);
  const what = `SET with-list of ${items.length} (${items.map((i) => describeAttribute(i.attribute)).join(', ')})`;
  const invoke = ctx.nextInvoke();
  const request = encodeApdu(
    { type: 'set-request', variant: 'with-list', invoke, items, values },
    ctx.decodeOptions,
  );
  let results: DataAccessResult[];
  if (request.length <= ctx.maxRequestBytes) {
    const response = (await ctx.exchange.request(
      request,
      responseOf('set-response', invoke.invokeId, ['with-list']),
      what,
      ctx.wait(options),
    )) as Extract<SetResponse, { variant: 'with-list' }>;
    results = response.results;
  } else {
    if (!ctx.conformance.blockTransferWithSetOrWrite) tooLarge(ctx, what, request.length);
    // The blocks carry the count followed by the values (as the with-list request would).
    const w = new ByteWriter();
    writeDataList(w, values, 'values', ctx.decodeOptions);
    const response = (await sendInBlocks(
      ctx,
      w.finish(),
      {
        build: (block, first) =>
          first
            ? { type: 'set-request', variant: 'with-list-and-first-datablock', invoke, items, block }
            : { type: 'set-request', variant: 'with-datablock', invoke, block },
        responseType: 'set-response',
        invokeId: invoke.invokeId,
        ackVariant: 'datablock',
        finalVariants: ['last-datablock-with-list'],
      },
      what,
      options,
    )) as Extract<SetResponse, { variant: 'last-datablock-with-list' }>;
    results = response.results;
  }
  if (results.length !== items.length) {
    throw new ProtocolError(`${what}: ${results.length} results for ${items.length} attributes`);
  }
  return results.map((r, i) =>
    r === 'success'
      ? { ok: true, value: undefined }
      : { ok: false, error: new DataAccessError(r, describeAttribute(items[i]!.attribute), 'SET') },
  );
}
