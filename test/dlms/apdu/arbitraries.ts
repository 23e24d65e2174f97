// fast-check arbitraries of every APDU type and variant the APDU codec owns (ACSE values are the
// ACSE tests' job), with small Data values so that 100k-case runs stay fast.
import fc from 'fast-check';
import { exceptionServiceErrors, exceptionStateErrors } from '../../../src/dlms/apdu/exception.js';
import { actionResults, dataAccessResults } from '../../../src/dlms/apdu/results.js';
import type {
  AccessRequestSpecification,
  AccessResponseSpecification,
  ActionResponseItem,
  Apdu,
  AttributeAccess,
  AttributeDescriptor,
  DataBlockG,
  DataBlockSA,
  GetDataResult,
  InvokeIdAndPriority,
  LongInvokeIdAndPriority,
  MethodDescriptor,
  ReadResult,
  SelectiveAccess,
  VariableAccessSpecification,
  WriteResult,
} from '../../../src/dlms/apdu/types.js';
import type { Data } from '../../../src/dlms/axdr/types.js';
import { cipheredServiceTags } from '../../../src/dlms/security/ciphered-apdu.js';
import type { CipheredService } from '../../../src/dlms/security/types.js';
import { arbData, arbDateTime } from '../axdr/arbitraries.js';

const int = (min: number, max: number) => fc.integer({ min, max });
const u16 = int(0, 0xffff);
const u32 = int(0, 0xffffffff);
const bytes = fc.uint8Array({ maxLength: 24 });
const data: fc.Arbitrary<Data> = arbData({ maxDepth: 1 });
const list = <T>(a: fc.Arbitrary<T>) => fc.array(a, { maxLength: 3 });
const optional = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

/** A named enumeration value, or an octet the table leaves unnamed (kept as a number). */
function arbEnumeration<N extends string>(table: Readonly<Record<N, number>>): fc.Arbitrary<N | number> {
  const named = new Set<number>(Object.values(table));
  return fc.oneof(
    fc.constantFrom(...(Object.keys(table) as N[])),
    int(0, 255).filter((v) => !named.has(v)),
  );
}

const dar = arbEnumeration(dataAccessResults);

export const arbInvoke: fc.Arbitrary<InvokeIdAndPriority> = fc.record({
  invokeId: int(0, 15),
  confirmed: fc.boolean(),
  highPriority: fc.boolean(),
});

export const arbLongInvoke: fc.Arbitrary<LongInvokeIdAndPriority> = fc.record({
  longInvokeId: int(0, 0xffffff),
  selfDescriptive: fc.boolean(),
  breakOnError: fc.boolean(),
  confirmed: fc.boolean(),
  highPriority: fc.boolean(),
});

const obis = fc.array(int(0, 255), { minLength: 6, maxLength: 6 }).map((g) => g.join('.'));

const attribute: fc.Arbitrary<AttributeDescriptor> = fc.record({
  classId: u16,
  instance: obis,
  attributeId: int(-128, 127),
});

const method: fc.Arbitrary<MethodDescriptor> = fc.record({
  classId: u16,
  instance: obis,
  methodId: int(-128, 127),
});

const access: fc.Arbitrary<SelectiveAccess | undefined> = optional(
  fc.record({ selector: int(0, 255), parameters: data }),
);

const attributeAccess: fc.Arbitrary<AttributeAccess> = fc.record({ attribute, access });

const getDataResult: fc.Arbitrary<GetDataResult> = fc.oneof(
  data.map((d): GetDataResult => ({ type: 'data', data: d })),
  dar.map((result): GetDataResult => ({ type: 'error', result })),
);

const blockG: fc.Arbitrary<DataBlockG> = fc.record({
  lastBlock: fc.boolean(),
  blockNumber: u32,
  result: fc.oneof(
    bytes.map((d) => ({ type: 'raw-data' as const, data: d })),
    dar.map((result) => ({ type: 'error' as const, result })),
  ),
});

const blockSA: fc.Arbitrary<DataBlockSA> = fc.record({
  lastBlock: fc.boolean(),
  blockNumber: u32,
  rawData: bytes,
});

const actionItem: fc.Arbitrary<ActionResponseItem> = fc.record({
  result: arbEnumeration(actionResults),
  returnParameters: optional(getDataResult),
});

const variableAccess: fc.Arbitrary<VariableAccessSpecification> = fc.oneof(
  u16.map((variableName) => ({ type: 'variable-name' as const, variableName })),
  fc.record({
    type: fc.constant('parameterized-access' as const),
    variableName: u16,
    selector: int(0, 255),
    parameters: data,
  }),
  u16.map((blockNumber) => ({ type: 'block-number-access' as const, blockNumber })),
);

const readResult: fc.Arbitrary<ReadResult> = fc.oneof(
  data.map((d): ReadResult => ({ type: 'data', data: d })),
  dar.map((result): ReadResult => ({ type: 'error', result })),
  fc.record({
    type: fc.constant('data-block-result' as const),
    lastBlock: fc.boolean(),
    blockNumber: u16,
    rawData: bytes,
  }),
  u16.map((blockNumber): ReadResult => ({ type: 'block-number', blockNumber })),
);

const writeResult: fc.Arbitrary<WriteResult> = fc.oneof(
  fc.constant<WriteResult>({ type: 'success' }),
  dar.map((result): WriteResult => ({ type: 'error', result })),
  u16.map((blockNumber): WriteResult => ({ type: 'block-number', blockNumber })),
);

const rec = <T extends Record<string, fc.Arbitrary<unknown>>>(fields: T) => fc.record(fields);

const getRequest = fc.oneof(
  rec({
    type: fc.constant('get-request'),
    variant: fc.constant('normal'),
    invoke: arbInvoke,
    attribute,
    access,
  }),
  rec({
    type: fc.constant('get-request'),
    variant: fc.constant('next'),
    invoke: arbInvoke,
    blockNumber: u32,
  }),
  rec({
    type: fc.constant('get-request'),
    variant: fc.constant('with-list'),
    invoke: arbInvoke,
    items: list(attributeAccess),
  }),
);

const getResponse = fc.oneof(
  rec({
    type: fc.constant('get-response'),
    variant: fc.constant('normal'),
    invoke: arbInvoke,
    result: getDataResult,
  }),
  rec({
    type: fc.constant('get-response'),
    variant: fc.constant('with-datablock'),
    invoke: arbInvoke,
    block: blockG,
  }),
  rec({
    type: fc.constant('get-response'),
    variant: fc.constant('with-list'),
    invoke: arbInvoke,
    results: list(getDataResult),
  }),
);

const setRequest = fc.oneof(
  rec({
    type: fc.constant('set-request'),
    variant: fc.constant('normal'),
    invoke: arbInvoke,
    attribute,
    access,
    value: data,
  }),
  rec({
    type: fc.constant('set-request'),
    variant: fc.constant('with-first-datablock'),
    invoke: arbInvoke,
    attribute,
    access,
    block: blockSA,
  }),
  rec({
    type: fc.constant('set-request'),
    variant: fc.constant('with-datablock'),
    invoke: arbInvoke,
    block: blockSA,
  }),
  rec({
    type: fc.constant('set-request'),
    variant: fc.constant('with-list'),
    invoke: arbInvoke,
    items: list(attributeAccess),
    values: list(data),
  }),
  rec({
    type: fc.constant('set-request'),
    variant: fc.constant('with-list-and-first-datablock'),
    invoke: arbInvoke,
    items: list(attributeAccess),
    block: blockSA,
  }),
);

const setResponse = fc.oneof(
  rec({ type: fc.constant('set-response'), variant: fc.constant('normal'), invoke: arbInvoke, result: dar }),
  rec({
    type: fc.constant('set-response'),
    variant: fc.constant('datablock'),
    invoke: arbInvoke,
    blockNumber: u32,
  }),
  rec({
    type: fc.constant('set-response'),
    variant: fc.constant('last-datablock'),
    invoke: arbInvoke,
    result: dar,
    blockNumber: u32,
  }),
  rec({
    type: fc.constant('set-response'),
    variant: fc.constant('last-datablock-with-list'),
    invoke: arbInvoke,
    results: list(dar),
    blockNumber: u32,
  }),
  rec({
    type: fc.constant('set-response'),
    variant: fc.constant('with-list'),
    invoke: arbInvoke,
    results: list(dar),
  }),
);

const actionRequest = fc.oneof(
  rec({
    type: fc.constant('action-request'),
    variant: fc.constant('normal'),
    invoke: arbInvoke,
    method,
    parameters: optional(data),
  }),
  rec({
    type: fc.constant('action-request'),
    variant: fc.constant('next-pblock'),
    invoke: arbInvoke,
    blockNumber: u32,
  }),
  rec({
    type: fc.constant('action-request'),
    variant: fc.constant('with-list'),
    invoke: arbInvoke,
    methods: list(method),
    parameters: list(data),
  }),
  rec({
    type: fc.constant('action-request'),
    variant: fc.constant('with-first-pblock'),
    invoke: arbInvoke,
    method,
    block: blockSA,
  }),
  rec({
    type: fc.constant('action-request'),
    variant: fc.constant('with-list-and-first-pblock'),
    invoke: arbInvoke,
    methods: list(method),
    block: blockSA,
  }),
  rec({
    type: fc.constant('action-request'),
    variant: fc.constant('with-pblock'),
    invoke: arbInvoke,
    block: blockSA,
  }),
);

const actionResponse = fc.oneof(
  actionItem.chain((item) =>
    rec({ type: fc.constant('action-response'), variant: fc.constant('normal'), invoke: arbInvoke }).map(
      (a) => ({
        ...a,
        ...item,
      }),
    ),
  ),
  rec({
    type: fc.constant('action-response'),
    variant: fc.constant('with-pblock'),
    invoke: arbInvoke,
    block: blockSA,
  }),
  rec({
    type: fc.constant('action-response'),
    variant: fc.constant('with-list'),
    invoke: arbInvoke,
    responses: list(actionItem),
  }),
  rec({
    type: fc.constant('action-response'),
    variant: fc.constant('next-pblock'),
    invoke: arbInvoke,
    blockNumber: u32,
  }),
);

const exceptionResponse = fc
  .record({
    stateError: arbEnumeration(exceptionStateErrors),
    serviceError: arbEnumeration(exceptionServiceErrors),
    counter: u32,
  })
  .map(({ stateError, serviceError, counter }) => ({
    type: 'exception-response' as const,
    stateError,
    serviceError,
    invocationCounter: serviceError === 'invocation-counter-error' ? counter : undefined,
  }));

const requestSpec: fc.Arbitrary<AccessRequestSpecification> = fc.oneof(
  rec({ type: fc.constantFrom('get', 'set'), attribute }),
  rec({ type: fc.constant('action'), method }),
  rec({
    type: fc.constantFrom('get-with-selection', 'set-with-selection'),
    attribute,
    access: fc.record({ selector: int(0, 255), parameters: data }),
  }),
) as fc.Arbitrary<AccessRequestSpecification>;

const responseSpec: fc.Arbitrary<AccessResponseSpecification> = fc.oneof(
  rec({ type: fc.constantFrom('get', 'set'), result: dar }),
  rec({ type: fc.constant('action'), result: arbEnumeration(actionResults) }),
) as fc.Arbitrary<AccessResponseSpecification>;

const access_ = fc.oneof(
  rec({
    type: fc.constant('access-request'),
    invoke: arbLongInvoke,
    dateTime: optional(arbDateTime()),
    requests: list(requestSpec),
    data: list(data),
  }),
  rec({
    type: fc.constant('access-response'),
    invoke: arbLongInvoke,
    dateTime: optional(arbDateTime()),
    requests: optional(list(requestSpec)),
    data: list(data),
    responses: list(responseSpec),
  }),
);

const cipheredService = fc.constantFrom(...(Object.keys(cipheredServiceTags) as CipheredService[]));
const securityHeader = { securityControl: int(0, 255), invocationCounter: u32 };

const ciphered = fc.oneof(
  rec({
    type: fc.constantFrom('glo-ciphered', 'ded-ciphered'),
    service: cipheredService,
    ...securityHeader,
    content: bytes,
  }),
  rec({
    type: fc.constantFrom('general-glo-ciphering', 'general-ded-ciphering'),
    systemTitle: fc.uint8Array({ minLength: 8, maxLength: 8 }),
    ...securityHeader,
    content: bytes,
  }),
);

/** Any APDU of a type this codec owns (everything but ACSE/initiate/confirmed-service-error). */
export const arbApdu = fc.oneof(
  getRequest,
  getResponse,
  setRequest,
  setResponse,
  actionRequest,
  actionResponse,
  rec({
    type: fc.constant('data-notification'),
    invoke: arbLongInvoke,
    dateTime: optional(arbDateTime()),
    body: data,
  }),
  rec({
    type: fc.constant('event-notification-request'),
    time: optional(arbDateTime()),
    attribute,
    value: data,
  }),
  exceptionResponse,
  access_,
  rec({
    type: fc.constant('general-block-transfer'),
    lastBlock: fc.boolean(),
    streaming: fc.boolean(),
    windowSize: int(0, 63),
    blockNumber: u16,
    blockNumberAck: u16,
    blockData: bytes,
  }),
  rec({ type: fc.constant('read-request'), items: list(variableAccess) }),
  rec({ type: fc.constant('read-response'), results: list(readResult) }),
  rec({
    type: fc.constantFrom('write-request', 'unconfirmed-write-request'),
    items: list(variableAccess),
    values: list(data),
  }),
  rec({ type: fc.constant('write-response'), results: list(writeResult) }),
  rec({
    type: fc.constant('information-report-request'),
    currentTime: optional(arbDateTime()),
    items: list(variableAccess),
    values: list(data),
  }),
  ciphered,
) as fc.Arbitrary<Apdu>;
