/**
 * ACTION (meterlink spec §9.6): normal and with-list, parameters in pblocks when the request
 * would exceed the server's max receive PDU size, long results pulled with next-pblock.
 *
 * @module
 */

import { ByteWriter } from '../../core/bytes.js';
import { InvalidArgumentError, ProtocolError } from '../../core/errors.js';
import { encodeApdu } from '../apdu/apdu-codec.js';
import { writeDataList } from '../apdu/lists.js';
import type { ActionResponse, ActionResponseItem, MethodDescriptor } from '../apdu/types.js';
import { decodeData, encodeData } from '../axdr/data-codec.js';
import type { Data } from '../axdr/types.js';
import { sendInBlocks } from './block-sender.js';
import { type ActionItem, describeMethod, methodDescriptor } from './descriptors.js';
import { ActionError, DataAccessError } from './errors.js';
import { concat } from './exchange.js';
import { type ListItemResult, maxReassembledBytes } from './get-service.js';
import { type DlmsRequestOptions, responseOf, type ServiceContext } from './service-context.js';

function tooLarge(ctx: ServiceContext, what: string, size: number): never {
  throw new InvalidArgumentError(
    `${what}: the request of ${size} octets exceeds the meter's ${ctx.maxRequestBytes} octets and block transfer with ACTION was not negotiated`,
  );
}

function itemResult(item: ActionResponseItem, method: MethodDescriptor): ListItemResult<Data | undefined> {
  const what = describeMethod(method);
  if (item.result !== 'success') return { ok: false, error: new ActionError(item.result, what) };
  const r = item.returnParameters;
  if (r === undefined) return { ok: true, value: undefined };
  if (r.type === 'error') return { ok: false, error: new DataAccessError(r.result, what, 'ACTION') };
  return { ok: true, value: r.data };
}

/**
 * Pulls the blocks of a long action result (§9.6: action-response-with-pblock, acknowledged with
 * action-request-next-pblock). The concatenated raw data is the A-XDR encoding of the return value.
 */
async function collectResult(
  ctx: ServiceContext,
  first: Extract<ActionResponse, { variant: 'with-pblock' }>,
  invokeId: number,
  what: string,
  options: DlmsRequestOptions | undefined,
): Promise<Uint8Array> {
  const invoke = { invokeId, confirmed: true, highPriority: true };
  const parts: Uint8Array[] = [];
  let total = 0;
  let block = first.block;
  for (let expected = 1; ; expected++) {
    if (block.blockNumber !== expected) {
      throw new ProtocolError(`${what}: result block ${block.blockNumber} received, ${expected} expected`);
    }
    total += block.rawData.length;
    if (total > maxReassembledBytes)
      throw new ProtocolError(`${what}: result exceeds ${maxReassembledBytes} octets`);
    parts.push(block.rawData.slice());
    if (block.lastBlock) return concat(parts);
    const next = encodeApdu({
      type: 'action-request',
      variant: 'next-pblock',
      invoke,
      blockNumber: block.blockNumber,
    });
    const response = (await ctx.exchange.request(
      next,
      responseOf('action-response', invokeId, ['with-pblock']),
      what,
      ctx.wait(options),
    )) as Extract<ActionResponse, { variant: 'with-pblock' }>;
    block = response.block;
  }
}

/**
 * Invokes one method; resolves with its return data (`undefined` when none).
 *
 * @throws ActionError (action-result), DataAccessError (an error in the return parameters),
 *   ServiceError, ProtocolError, TimeoutError, AbortError, LinkClosedError, SecurityError,
 *   DecodeError; InvalidArgumentError for a bad descriptor or parameters too large without block transfer
 */
export async function invokeMethod(
  ctx: ServiceContext,
  item: ActionItem,
  options?: DlmsRequestOptions,
): Promise<Data | undefined> {
  const method = methodDescriptor(item);
  const what = `ACTION ${describeMethod(method)}`;
  const invoke = ctx.nextInvoke();
  const parameters = item.parameters;
  const request = encodeApdu(
    { type: 'action-request', variant: 'normal', invoke, method, parameters },
    ctx.decodeOptions,
  );
  const finals = ['normal', 'with-pblock'];
  let response: ActionResponse;
  if (request.length <= ctx.maxRequestBytes) {
    response = (await ctx.exchange.request(
      request,
      responseOf('action-response', invoke.invokeId, finals),
      what,
      ctx.wait(options),
    )) as ActionResponse;
  } else {
    if (!ctx.conformance.blockTransferWithAction || parameters === undefined)
      tooLarge(ctx, what, request.length);
    response = (await sendInBlocks(
      ctx,
      encodeData(parameters, ctx.decodeOptions),
      {
        build: (block, first) =>
          first
            ? { type: 'action-request', variant: 'with-first-pblock', invoke, method, block }
            : { type: 'action-request', variant: 'with-pblock', invoke, block },
        responseType: 'action-response',
        invokeId: invoke.invokeId,
        ackVariant: 'next-pblock',
        finalVariants: finals,
      },
      what,
      options,
    )) as ActionResponse;
  }
  if (response.variant === 'with-pblock') {
    const bytes = await collectResult(ctx, response, invoke.invokeId, what, options);
    return decodeData(bytes, ctx.decodeOptions);
  }
  const r = itemResult(response as Extract<ActionResponse, { variant: 'normal' }>, method);
  if (!r.ok) throw r.error;
  return r.value;
}

/**
 * Invokes several methods in one action-request-with-list: one result per item, in order. Items
 * without parameters send null-data.
 *
 * @throws ProtocolError when the answer does not have one result per item; see {@link invokeMethod}
 */
export async function invokeList(
  ctx: ServiceContext,
  items: readonly ActionItem[],
  options?: DlmsRequestOptions,
): Promise<ListItemResult<Data | undefined>[]> {
  if (items.length === 0) return [];
  const methods = items.map(methodDescriptor);
  const parameters: Data[] = items.map((i) => i.parameters ?? { type: 'null-data' });
  const what = `ACTION with-list of ${methods.length} (${methods.map(describeMethod).join(', ')})`;
  const invoke = ctx.nextInvoke();
  const request = encodeApdu(
    { type: 'action-request', variant: 'with-list', invoke, methods, parameters },
    ctx.decodeOptions,
  );
  let response: ActionResponse;
  if (request.length <= ctx.maxRequestBytes) {
    response = (await ctx.exchange.request(
      request,
      responseOf('action-response', invoke.invokeId, ['with-list']),
      what,
      ctx.wait(options),
    )) as ActionResponse;
  } else {
    if (!ctx.conformance.blockTransferWithAction) tooLarge(ctx, what, request.length);
    const w = new ByteWriter();
    writeDataList(w, parameters, 'parameters', ctx.decodeOptions);
    response = (await sendInBlocks(
      ctx,
      w.finish(),
      {
        build: (block, first) =>
          first
            ? { type: 'action-request', variant: 'with-list-and-first-pblock', invoke, methods, block }
            : { type: 'action-request', variant: 'with-pblock', invoke, block },
        responseType: 'action-response',
        invokeId: invoke.invokeId,
        ackVariant: 'next-pblock',
        finalVariants: ['with-list'],
      },
      what,
      options,
    )) as ActionResponse;
  }
  const list = response as Extract<ActionResponse, { variant: 'with-list' }>;
  if (list.responses.length !== methods.length) {
    throw new ProtocolError(`${what}: ${list.responses.length} results for ${methods.length} methods`);
  }
  return list.responses.map((r, i) => itemResult(r, methods[i]!));
}
