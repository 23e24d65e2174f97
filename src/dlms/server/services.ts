/**
 * GET, SET and ACTION in every variant (meterlink spec §9.3–§9.6), with block transfer both
 * ways: long GET answers and long ACTION results sent as datablocks when they exceed what the
 * client takes, SET datablocks and ACTION pblocks reassembled before the object sees the value.
 *
 * @module
 */

import { ByteReader } from '../../core/bytes.js';
import { encodeApdu } from '../apdu/apdu-codec.js';
import type { DataAccessResult } from '../apdu/results.js';
import type {
  ActionRequest,
  ActionResponseItem,
  AttributeAccess,
  DataBlockSA,
  GetRequest,
  InvokeIdAndPriority,
  MethodDescriptor,
  SetRequest,
} from '../apdu/types.js';
import { readData } from '../axdr/data-codec.js';
import { readLength } from '../axdr/length.js';
import type { Data } from '../axdr/types.js';
import type { IncomingBlocks } from './association.js';
import { type AccessContext, callMethod, readAttribute, writeAttribute } from './object-access.js';

/** What the service handlers need. */
export interface ServiceContext extends AccessContext {
  /** Largest plain response APDU that still fits the client's PDU size once protected. */
  readonly limit: number;
  /** Largest value reassembled from blocks. */
  readonly maxBlockTransferBytes: number;
}

/** Header octets of get-response-with-datablock before the raw data (C4 02 invoke last number choice length≤3). */
const getBlockHeader = 12;
/** Header octets of action-response-with-pblock before the raw data (C7 02 invoke last number length≤3). */
const actionBlockHeader = 11;

/** Answers one GET request (§9.3, §9.4). */
export function answerGet(request: GetRequest, context: ServiceContext): Uint8Array {
  const { association } = context;
  const invoke = request.invoke;
  if (request.variant === 'next') return nextGetBlock(invoke, request.blockNumber, context);
  // A new request abandons a long GET in progress (§9.4 step 6).
  association.outgoing = undefined;
  if (request.variant === 'normal') {
    const result = readAttribute(request.attribute, request.access, context);
    const encoded = encodeApdu({ type: 'get-response', variant: 'normal', invoke, result });
    if (encoded.length <= context.limit) return encoded;
    // The raw data of a long GET is the A-XDR encoding of the value (§9.4 step 2): skip C4 01 invoke 00.
    return startGetBlocks(invoke, encoded.subarray(4), context);
  }
  const results = request.items.map((item) => readAttribute(item.attribute, item.access, context));
  const encoded = encodeApdu({ type: 'get-response', variant: 'with-list', invoke, results });
  if (encoded.length <= context.limit) return encoded;
  // With-list: the count and the Get-Data-Results (skip C4 03 invoke).
  return startGetBlocks(invoke, encoded.subarray(3), context);
}

/** Starts a long GET (§9.4) with `data`, a view of a response encoded for it alone (kept, not copied). */
function startGetBlocks(invoke: InvokeIdAndPriority, data: Uint8Array, context: ServiceContext): Uint8Array {
  const { association } = context;
  if (!association.conformance.blockTransferWithGetOrRead) {
    return encodeApdu({
      type: 'get-response',
      variant: 'normal',
      invoke,
      result: { type: 'error', result: 'other-reason' },
    });
  }
  const blockSize = Math.max(1, context.limit - getBlockHeader);
  association.outgoing = { service: 'get', data, blockSize, lastSent: 0 };
  return getBlock(invoke, context);
}

function getBlock(invoke: InvokeIdAndPriority, context: ServiceContext): Uint8Array {
  const out = context.association.outgoing!;
  const start = out.lastSent * out.blockSize;
  const end = Math.min(start + out.blockSize, out.data.length);
  out.lastSent++;
  const lastBlock = end >= out.data.length;
  const blockNumber = out.lastSent;
  if (lastBlock) context.association.outgoing = undefined;
  return encodeApdu({
    type: 'get-response',
    variant: 'with-datablock',
    invoke,
    block: { lastBlock, blockNumber, result: { type: 'raw-data', data: out.data.subarray(start, end) } },
  });
}

function nextGetBlock(invoke: InvokeIdAndPriority, blockNumber: number, context: ServiceContext): Uint8Array {
  const out = context.association.outgoing;
  const fail = (result: DataAccessResult): Uint8Array => {
    context.association.outgoing = undefined;
    return encodeApdu({
      type: 'get-response',
      variant: 'with-datablock',
      invoke,
      block: { lastBlock: true, blockNumber, result: { type: 'error', result } },
    });
  };
  if (out?.service !== 'get') return fail('no-long-get-in-progress');
  // The client acknowledges the block it just received (§9.4 step 3).
  if (blockNumber !== out.lastSent) return fail('data-block-number-invalid');
  return getBlock(invoke, context);
}

/** Answers one SET request (§9.5). */
export function answerSet(request: SetRequest, context: ServiceContext): Uint8Array {
  const { association } = context;
  const invoke = request.invoke;
  association.outgoing = undefined;
  switch (request.variant) {
    case 'normal': {
      association.incoming = undefined;
      const result = writeAttribute(request.attribute, request.value, context);
      return encodeApdu({ type: 'set-response', variant: 'normal', invoke, result });
    }
    case 'with-list': {
      association.incoming = undefined;
      const results = writeList(request.items, request.values, context);
      return encodeApdu({ type: 'set-response', variant: 'with-list', invoke, results });
    }
    case 'with-first-datablock':
    case 'with-list-and-first-datablock': {
      const list = request.variant === 'with-list-and-first-datablock';
      const attributes = list ? request.items : [{ attribute: request.attribute, access: request.access }];
      association.incoming = {
        service: list ? 'set-with-list' : 'set',
        attributes,
        methods: [],
        parts: [],
        size: 0,
        lastReceived: 0,
      };
      return setBlock(invoke, request.block, context);
    }
    default:
      return setBlock(invoke, request.block, context);
  }
}

function writeList(
  items: readonly AttributeAccess[],
  values: readonly Data[],
  context: ServiceContext,
): DataAccessResult[] {
  return items.map((item, i) => {
    const value = values[i];
    return value === undefined ? 'type-unmatched' : writeAttribute(item.attribute, value, context);
  });
}

/** Takes one SET block; acknowledges it, or writes the value once the last one arrived. */
function setBlock(invoke: InvokeIdAndPriority, block: DataBlockSA, context: ServiceContext): Uint8Array {
  const { association } = context;
  const incoming = association.incoming;
  const blockNumber = block.blockNumber;
  const fail = (result: DataAccessResult): Uint8Array => {
    association.incoming = undefined;
    return encodeApdu({ type: 'set-response', variant: 'last-datablock', invoke, result, blockNumber });
  };
  if (incoming === undefined || (incoming.service !== 'set' && incoming.service !== 'set-with-list')) {
    return fail('no-long-set-in-progress');
  }
  const accepted = accept(incoming, block, context.maxBlockTransferBytes);
  if (accepted !== undefined)
    return fail(accepted === 'too-long' ? 'long-set-aborted' : 'data-block-number-invalid');
  if (!block.lastBlock)
    return encodeApdu({ type: 'set-response', variant: 'datablock', invoke, blockNumber });
  association.incoming = undefined;
  const values = decodeValues(incoming, incoming.service === 'set-with-list');
  if (incoming.service === 'set') {
    const value = values?.[0];
    const result =
      value === undefined
        ? 'type-unmatched'
        : writeAttribute(incoming.attributes[0]!.attribute, value, context);
    return encodeApdu({ type: 'set-response', variant: 'last-datablock', invoke, result, blockNumber });
  }
  const results =
    values === undefined
      ? incoming.attributes.map(() => 'type-unmatched' as const)
      : writeList(incoming.attributes, values, context);
  return encodeApdu({
    type: 'set-response',
    variant: 'last-datablock-with-list',
    invoke,
    results,
    blockNumber,
  });
}

/** Appends a block: `undefined` when accepted, else why not. */
function accept(
  incoming: IncomingBlocks,
  block: DataBlockSA,
  max: number,
): 'out-of-sequence' | 'too-long' | undefined {
  if (block.blockNumber !== incoming.lastReceived + 1) return 'out-of-sequence';
  if (incoming.size + block.rawData.length > max) return 'too-long';
  incoming.parts.push(block.rawData.slice());
  incoming.size += block.rawData.length;
  incoming.lastReceived = block.blockNumber;
  return undefined;
}

/** The reassembled value (one Data) or values (count + Data list), or `undefined` if malformed. */
function decodeValues(incoming: IncomingBlocks, list: boolean): Data[] | undefined {
  const all = new Uint8Array(incoming.size);
  let at = 0;
  for (const part of incoming.parts) {
    all.set(part, at);
    at += part.length;
  }
  try {
    const reader = new ByteReader(all, 'axdr');
    const count = list ? readLength(reader, 'value count') : 1;
    const values: Data[] = [];
    for (let i = 0; i < count; i++) values.push(readData(reader));
    return reader.remaining === 0 ? values : undefined;
  } catch {
    return undefined;
  }
}

/** Answers one ACTION request (§9.6). */
export async function answerAction(request: ActionRequest, context: ServiceContext): Promise<Uint8Array> {
  const { association } = context;
  const invoke = request.invoke;
  switch (request.variant) {
    case 'next-pblock':
      return nextActionBlock(invoke, request.blockNumber, context);
    case 'normal': {
      association.outgoing = undefined;
      association.incoming = undefined;
      return actionResponse(invoke, await callMethod(request.method, request.parameters, context), context);
    }
    case 'with-list': {
      association.outgoing = undefined;
      association.incoming = undefined;
      const responses = await callList(request.methods, request.parameters, context);
      return encodeApdu({ type: 'action-response', variant: 'with-list', invoke, responses });
    }
    case 'with-first-pblock':
    case 'with-list-and-first-pblock': {
      association.outgoing = undefined;
      const list = request.variant === 'with-list-and-first-pblock';
      association.incoming = {
        service: list ? 'action-with-list' : 'action',
        attributes: [],
        methods: list ? request.methods : [request.method],
        parts: [],
        size: 0,
        lastReceived: 0,
      };
      return actionBlock(invoke, request.block, context);
    }
    default:
      association.outgoing = undefined;
      return actionBlock(invoke, request.block, context);
  }
}

async function callList(
  methods: readonly MethodDescriptor[],
  parameters: readonly (Data | undefined)[],
  context: ServiceContext,
): Promise<ActionResponseItem[]> {
  const out: ActionResponseItem[] = [];
  for (let i = 0; i < methods.length; i++) out.push(await callMethod(methods[i]!, parameters[i], context));
  return out;
}

/** action-response-normal, or the first pblock of a result too long for the client (§9.6). */
function actionResponse(
  invoke: InvokeIdAndPriority,
  item: ActionResponseItem,
  context: ServiceContext,
): Uint8Array {
  const encoded = encodeApdu({ type: 'action-response', variant: 'normal', invoke, ...item });
  if (encoded.length <= context.limit) return encoded;
  const { association } = context;
  if (!association.conformance.blockTransferWithAction) {
    return encodeApdu({
      type: 'action-response',
      variant: 'normal',
      invoke,
      result: 'other-reason',
      returnParameters: undefined,
    });
  }
  // The pblocks carry the A-XDR encoding of the return data: skip C7 01 invoke result 01 00.
  const blockSize = Math.max(1, context.limit - actionBlockHeader);
  association.outgoing = { service: 'action', data: encoded.subarray(6), blockSize, lastSent: 0 };
  return actionResultBlock(invoke, context);
}

function actionResultBlock(invoke: InvokeIdAndPriority, context: ServiceContext): Uint8Array {
  const out = context.association.outgoing!;
  const start = out.lastSent * out.blockSize;
  const end = Math.min(start + out.blockSize, out.data.length);
  out.lastSent++;
  const lastBlock = end >= out.data.length;
  const blockNumber = out.lastSent;
  if (lastBlock) context.association.outgoing = undefined;
  return encodeApdu({
    type: 'action-response',
    variant: 'with-pblock',
    invoke,
    block: { lastBlock, blockNumber, rawData: out.data.subarray(start, end) },
  });
}

function nextActionBlock(
  invoke: InvokeIdAndPriority,
  blockNumber: number,
  context: ServiceContext,
): Uint8Array {
  const out = context.association.outgoing;
  if (out?.service !== 'action' || blockNumber !== out.lastSent) {
    context.association.outgoing = undefined;
    const result = out?.service === 'action' ? 'long-action-aborted' : 'no-long-action-in-progress';
    return encodeApdu({
      type: 'action-response',
      variant: 'normal',
      invoke,
      result,
      returnParameters: undefined,
    });
  }
  return actionResultBlock(invoke, context);
}

/** Takes one ACTION parameter block; acknowledges it, or calls the method(s) after the last. */
async function actionBlock(
  invoke: InvokeIdAndPriority,
  block: DataBlockSA,
  context: ServiceContext,
): Promise<Uint8Array> {
  const { association } = context;
  const incoming = association.incoming;
  const fail = (result: 'no-long-action-in-progress' | 'long-action-aborted'): Uint8Array => {
    association.incoming = undefined;
    return encodeApdu({
      type: 'action-response',
      variant: 'normal',
      invoke,
      result,
      returnParameters: undefined,
    });
  };
  if (incoming === undefined || (incoming.service !== 'action' && incoming.service !== 'action-with-list')) {
    return fail('no-long-action-in-progress');
  }
  if (accept(incoming, block, context.maxBlockTransferBytes) !== undefined)
    return fail('long-action-aborted');
  if (!block.lastBlock) {
    return encodeApdu({
      type: 'action-response',
      variant: 'next-pblock',
      invoke,
      blockNumber: block.blockNumber,
    });
  }
  association.incoming = undefined;
  const list = incoming.service === 'action-with-list';
  const values = decodeValues(incoming, list);
  if (values === undefined) {
    const refused: ActionResponseItem = { result: 'type-unmatched', returnParameters: undefined };
    if (!list) return encodeApdu({ type: 'action-response', variant: 'normal', invoke, ...refused });
    return encodeApdu({
      type: 'action-response',
      variant: 'with-list',
      invoke,
      responses: incoming.methods.map(() => refused),
    });
  }
  if (!list)
    return actionResponse(invoke, await callMethod(incoming.methods[0]!, values[0], context), context);
  const responses = await callList(incoming.methods, values, context);
  return encodeApdu({ type: 'action-response', variant: 'with-list', invoke, responses });
}
