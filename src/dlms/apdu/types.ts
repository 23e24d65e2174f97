/**
 * The `Apdu` union: every APDU the codec decodes and encodes, discriminated on `type`
 * (meterlink spec §7–§10), and the field shapes the LN and SN services share.
 *
 * Octet fields (`rawData`, `blockData`, ciphered `content` …) decoded by `decodeApdu` are views
 * into the decoded input: they alias it, so copy them to keep them after the input is reused.
 *
 * @module
 */

import type { CosemDateTime, Data } from '../axdr/types.js';
import type { SelectiveAccess } from '../cosem/selective-access.js';
import type { CipheredApdu } from '../security/types.js';
import type {
  AcseApdu,
  ConfirmedServiceError,
  InitiateRequest,
  InitiateResponse,
} from './acse/acse-codec.js';
import type { ExceptionServiceError, ExceptionStateError } from './exception.js';
import type { ActionResult, DataAccessResult } from './results.js';

/** Invoke-Id-And-Priority (§9.1): one octet. The reserved bits 4–5 are always 0. */
export interface InvokeIdAndPriority {
  /** 0–15, echoed by the server (bits 0–3). */
  invokeId: number;
  /** Service class (bit 6): `true` = confirmed. */
  confirmed: boolean;
  /** Priority (bit 7): `true` = high. */
  highPriority: boolean;
}

/** Long-Invoke-Id-And-Priority (§9.1): four octets, used by data-notification. Reserved bits 24–27 are 0. */
export interface LongInvokeIdAndPriority {
  /** 0 – 2^24−1 (bits 0–23). */
  longInvokeId: number;
  /** Bit 28: the body is self-descriptive. */
  selfDescriptive: boolean;
  /** Bit 29 (processing option): `true` = break on error, `false` = continue on error. */
  breakOnError: boolean;
  /** Bit 30 (service class): `true` = confirmed. */
  confirmed: boolean;
  /** Bit 31: `true` = high priority. */
  highPriority: boolean;
}

/** Cosem-Attribute-Descriptor (§9.2). */
export interface AttributeDescriptor {
  /** Interface class, 0–65535. */
  classId: number;
  /** Logical name, dotted OBIS `A.B.C.D.E.F` (the encoder also accepts the IEC form `A-B:C.D.E*F`). */
  instance: string;
  /** Attribute index, Integer8 (−128…127; negative values are manufacturer specific). */
  attributeId: number;
}

/** Cosem-Method-Descriptor (§9.2). */
export interface MethodDescriptor {
  /** Interface class, 0–65535. */
  classId: number;
  /** Logical name, dotted OBIS `A.B.C.D.E.F`. */
  instance: string;
  /** Method index, Integer8 (−128…127). */
  methodId: number;
}

// One Selective-Access-Descriptor type (§9.2) for the APDU codec and the COSEM builders
// (rangeDescriptor / entryDescriptor), which return exactly what a request carries.
export type { SelectiveAccess };

/** An attribute descriptor with its optional selective access (GET/SET with-list items). */
export interface AttributeAccess {
  /** The attribute. */
  attribute: AttributeDescriptor;
  /** access-selection, `undefined` when absent. */
  access: SelectiveAccess | undefined;
}

/** Get-Data-Result (§9.3): the value, or why there is none. */
export type GetDataResult =
  | {
      /** The attribute value is there. */
      type: 'data';
      /** The value. */
      data: Data;
    }
  | {
      /** No value. */
      type: 'error';
      /** Why. */
      result: DataAccessResult;
    };

/** DataBlock-G (§9.3): one block of a long GET answer. */
export interface DataBlockG {
  /** `true` on the last block. */
  lastBlock: boolean;
  /** Unsigned32, counted from 1. */
  blockNumber: number;
  /** raw-data (a slice of the encoded result), or the data-access-result that ends the transfer. */
  result: DataBlockGResult;
}

/** The result CHOICE of a DataBlock-G. */
export type DataBlockGResult =
  | {
      /** A slice of the encoded result. */
      type: 'raw-data';
      /** The octets (a view into the decoded input). */
      data: Uint8Array;
    }
  | {
      /** The server ends the transfer. */
      type: 'error';
      /** Why (typically data-block-unavailable, long-get-aborted, data-block-number-invalid). */
      result: DataAccessResult;
    };

/** DataBlock-SA (§9.5): one block of a long SET or an ACTION parameter/result block. */
export interface DataBlockSA {
  /** `true` on the last block. */
  lastBlock: boolean;
  /** Unsigned32, counted from 1. */
  blockNumber: number;
  /** A slice of the encoded value (a view into the decoded input). */
  rawData: Uint8Array;
}

/** Action-Response-With-Optional-Data (§9.6). */
export interface ActionResponseItem {
  /** The Action-Result. */
  result: ActionResult;
  /** return-parameters, `undefined` when absent. */
  returnParameters: GetDataResult | undefined;
}

/** The field every LN GET/SET/ACTION APDU carries after its CHOICE octet. */
export interface LnServiceFields {
  /** invoke-id-and-priority (§9.1). */
  invoke: InvokeIdAndPriority;
}

/** get-request-normal (`C0 01`): read one attribute. */
export interface GetRequestNormal extends LnServiceFields {
  /** Discriminator. */
  type: 'get-request';
  /** CHOICE `01`. */
  variant: 'normal';
  /** The attribute to read. */
  attribute: AttributeDescriptor;
  /** access-selection, `undefined` when absent. */
  access: SelectiveAccess | undefined;
}

/** get-request-next (`C0 02`): ask for the block after `blockNumber` of a long GET (§9.4). */
export interface GetRequestNext extends LnServiceFields {
  /** Discriminator. */
  type: 'get-request';
  /** CHOICE `02`. */
  variant: 'next';
  /** Unsigned32, the number of the last block received. */
  blockNumber: number;
}

/** get-request-with-list (`C0 03`): read several attributes. */
export interface GetRequestWithList extends LnServiceFields {
  /** Discriminator. */
  type: 'get-request';
  /** CHOICE `03`. */
  variant: 'with-list';
  /** The attributes to read. */
  items: AttributeAccess[];
}

/** get-request `C0` (§9.3). */
export type GetRequest = GetRequestNormal | GetRequestNext | GetRequestWithList;

/** get-response-normal (`C4 01`). */
export interface GetResponseNormal extends LnServiceFields {
  /** Discriminator. */
  type: 'get-response';
  /** CHOICE `01`. */
  variant: 'normal';
  /** The value or the data-access-result. */
  result: GetDataResult;
}

/** get-response-with-datablock (`C4 02`): one block of a long GET (§9.4). */
export interface GetResponseWithDatablock extends LnServiceFields {
  /** Discriminator. */
  type: 'get-response';
  /** CHOICE `02`. */
  variant: 'with-datablock';
  /** The block. */
  block: DataBlockG;
}

/** get-response-with-list (`C4 03`). */
export interface GetResponseWithList extends LnServiceFields {
  /** Discriminator. */
  type: 'get-response';
  /** CHOICE `03`. */
  variant: 'with-list';
  /** One result per requested attribute. */
  results: GetDataResult[];
}

/** get-response `C4` (§9.3, §9.4). */
export type GetResponse = GetResponseNormal | GetResponseWithDatablock | GetResponseWithList;

/** set-request-normal (`C1 01`): write one attribute. */
export interface SetRequestNormal extends LnServiceFields {
  /** Discriminator. */
  type: 'set-request';
  /** CHOICE `01`. */
  variant: 'normal';
  /** The attribute to write. */
  attribute: AttributeDescriptor;
  /** access-selection, `undefined` when absent. */
  access: SelectiveAccess | undefined;
  /** The value. */
  value: Data;
}

/** set-request-with-first-datablock (`C1 02`): first block of a long SET. */
export interface SetRequestWithFirstDatablock extends LnServiceFields {
  /** Discriminator. */
  type: 'set-request';
  /** CHOICE `02`. */
  variant: 'with-first-datablock';
  /** The attribute to write. */
  attribute: AttributeDescriptor;
  /** access-selection, `undefined` when absent. */
  access: SelectiveAccess | undefined;
  /** The first block of the encoded value. */
  block: DataBlockSA;
}

/** set-request-with-datablock (`C1 03`): a further block of a long SET. */
export interface SetRequestWithDatablock extends LnServiceFields {
  /** Discriminator. */
  type: 'set-request';
  /** CHOICE `03`. */
  variant: 'with-datablock';
  /** The block. */
  block: DataBlockSA;
}

/** set-request-with-list (`C1 04`): the descriptors and the values are two lists on the wire. */
export interface SetRequestWithList extends LnServiceFields {
  /** Discriminator. */
  type: 'set-request';
  /** CHOICE `04`. */
  variant: 'with-list';
  /** The attributes to write. */
  items: AttributeAccess[];
  /** Their values. */
  values: Data[];
}

/** set-request-with-list-and-first-datablock (`C1 05`). */
export interface SetRequestWithListAndFirstDatablock extends LnServiceFields {
  /** Discriminator. */
  type: 'set-request';
  /** CHOICE `05`. */
  variant: 'with-list-and-first-datablock';
  /** The attributes to write. */
  items: AttributeAccess[];
  /** The first block of the encoded values. */
  block: DataBlockSA;
}

/** set-request `C1` (§9.5). */
export type SetRequest =
  | SetRequestNormal
  | SetRequestWithFirstDatablock
  | SetRequestWithDatablock
  | SetRequestWithList
  | SetRequestWithListAndFirstDatablock;

/** set-response-normal (`C5 01`). */
export interface SetResponseNormal extends LnServiceFields {
  /** Discriminator. */
  type: 'set-response';
  /** CHOICE `01`. */
  variant: 'normal';
  /** The outcome. */
  result: DataAccessResult;
}

/** set-response-datablock (`C5 02`): a non-last block was received. */
export interface SetResponseDatablock extends LnServiceFields {
  /** Discriminator. */
  type: 'set-response';
  /** CHOICE `02`. */
  variant: 'datablock';
  /** Unsigned32, the block acknowledged. */
  blockNumber: number;
}

/** set-response-last-datablock (`C5 03`). */
export interface SetResponseLastDatablock extends LnServiceFields {
  /** Discriminator. */
  type: 'set-response';
  /** CHOICE `03`. */
  variant: 'last-datablock';
  /** The outcome of the whole SET. */
  result: DataAccessResult;
  /** Unsigned32, the last block. */
  blockNumber: number;
}

/** set-response-last-datablock-with-list (`C5 04`). */
export interface SetResponseLastDatablockWithList extends LnServiceFields {
  /** Discriminator. */
  type: 'set-response';
  /** CHOICE `04`. */
  variant: 'last-datablock-with-list';
  /** One outcome per attribute. */
  results: DataAccessResult[];
  /** Unsigned32, the last block. */
  blockNumber: number;
}

/** set-response-with-list (`C5 05`). */
export interface SetResponseWithList extends LnServiceFields {
  /** Discriminator. */
  type: 'set-response';
  /** CHOICE `05`. */
  variant: 'with-list';
  /** One outcome per attribute. */
  results: DataAccessResult[];
}

/** set-response `C5` (§9.5). */
export type SetResponse =
  | SetResponseNormal
  | SetResponseDatablock
  | SetResponseLastDatablock
  | SetResponseLastDatablockWithList
  | SetResponseWithList;

/** action-request-normal (`C3 01`): invoke one method. */
export interface ActionRequestNormal extends LnServiceFields {
  /** Discriminator. */
  type: 'action-request';
  /** CHOICE `01`. */
  variant: 'normal';
  /** The method. */
  method: MethodDescriptor;
  /** method-invocation-parameters, `undefined` when absent. */
  parameters: Data | undefined;
}

/** action-request-next-pblock (`C3 02`): ask for the block after `blockNumber` of a long result. */
export interface ActionRequestNextPblock extends LnServiceFields {
  /** Discriminator. */
  type: 'action-request';
  /** CHOICE `02`. */
  variant: 'next-pblock';
  /** Unsigned32, the last block received. */
  blockNumber: number;
}

/** action-request-with-list (`C3 03`): the descriptors and the parameters are two lists on the wire. */
export interface ActionRequestWithList extends LnServiceFields {
  /** Discriminator. */
  type: 'action-request';
  /** CHOICE `03`. */
  variant: 'with-list';
  /** The methods. */
  methods: MethodDescriptor[];
  /** Their parameters. */
  parameters: Data[];
}

/** action-request-with-first-pblock (`C3 04`). */
export interface ActionRequestWithFirstPblock extends LnServiceFields {
  /** Discriminator. */
  type: 'action-request';
  /** CHOICE `04`. */
  variant: 'with-first-pblock';
  /** The method. */
  method: MethodDescriptor;
  /** The first block of the encoded parameters. */
  block: DataBlockSA;
}

/** action-request-with-list-and-first-pblock (`C3 05`). */
export interface ActionRequestWithListAndFirstPblock extends LnServiceFields {
  /** Discriminator. */
  type: 'action-request';
  /** CHOICE `05`. */
  variant: 'with-list-and-first-pblock';
  /** The methods. */
  methods: MethodDescriptor[];
  /** The first block of the encoded parameters. */
  block: DataBlockSA;
}

/** action-request-with-pblock (`C3 06`): a further parameter block. */
export interface ActionRequestWithPblock extends LnServiceFields {
  /** Discriminator. */
  type: 'action-request';
  /** CHOICE `06`. */
  variant: 'with-pblock';
  /** The block. */
  block: DataBlockSA;
}

/** action-request `C3` (§9.6). */
export type ActionRequest =
  | ActionRequestNormal
  | ActionRequestNextPblock
  | ActionRequestWithList
  | ActionRequestWithFirstPblock
  | ActionRequestWithListAndFirstPblock
  | ActionRequestWithPblock;

/** action-response-normal (`C7 01`): the result and the optional return parameters. */
export interface ActionResponseNormal extends LnServiceFields, ActionResponseItem {
  /** Discriminator. */
  type: 'action-response';
  /** CHOICE `01`. */
  variant: 'normal';
}

/** action-response-with-pblock (`C7 02`): one block of a long result. */
export interface ActionResponseWithPblock extends LnServiceFields {
  /** Discriminator. */
  type: 'action-response';
  /** CHOICE `02`. */
  variant: 'with-pblock';
  /** The block. */
  block: DataBlockSA;
}

/** action-response-with-list (`C7 03`). */
export interface ActionResponseWithList extends LnServiceFields {
  /** Discriminator. */
  type: 'action-response';
  /** CHOICE `03`. */
  variant: 'with-list';
  /** One response per method. */
  responses: ActionResponseItem[];
}

/** action-response-next-pblock (`C7 04`): a parameter block was received. */
export interface ActionResponseNextPblock extends LnServiceFields {
  /** Discriminator. */
  type: 'action-response';
  /** CHOICE `04`. */
  variant: 'next-pblock';
  /** Unsigned32, the block acknowledged. */
  blockNumber: number;
}

/** action-response `C7` (§9.6). */
export type ActionResponse =
  | ActionResponseNormal
  | ActionResponseWithPblock
  | ActionResponseWithList
  | ActionResponseNextPblock;

/** data-notification `0F` (§9.9): an unconfirmed push. */
export interface DataNotification {
  /** Discriminator. */
  type: 'data-notification';
  /** long-invoke-id-and-priority. */
  invoke: LongInvokeIdAndPriority;
  /** date-time, `undefined` when the octet string is empty. */
  dateTime: CosemDateTime | undefined;
  /** notification-body. */
  body: Data;
}

/** event-notification-request `C2` (§9.10): an unconfirmed event report. */
export interface EventNotificationRequest {
  /** Discriminator. */
  type: 'event-notification-request';
  /** time, `undefined` when absent. */
  time: CosemDateTime | undefined;
  /** The attribute that changed. */
  attribute: AttributeDescriptor;
  /** Its value. */
  value: Data;
}

/** exception-response `D8` (§9.8): the server could not accept a request. */
export interface ExceptionResponse {
  /** Discriminator. */
  type: 'exception-response';
  /** state-error: its name, or the octet when §9.8 does not name it. */
  stateError: ExceptionStateError;
  /** service-error: its name, or the CHOICE octet when §9.8 does not name it. */
  serviceError: ExceptionServiceError;
  /** The counter the server expects at least; present exactly for `invocation-counter-error`. */
  invocationCounter: number | undefined;
}

/** general-block-transfer `E0` (§9.11). */
export interface GeneralBlockTransfer {
  /** Discriminator. */
  type: 'general-block-transfer';
  /** Block-control bit 7. */
  lastBlock: boolean;
  /** Block-control bit 6. */
  streaming: boolean;
  /** Block-control bits 0–5 (0–63). */
  windowSize: number;
  /** Unsigned16, this block's number (from 1). */
  blockNumber: number;
  /** Unsigned16, the last block received correctly from the peer. */
  blockNumberAck: number;
  /** A slice of the APDU being transferred. */
  blockData: Uint8Array;
}

/** Access-Request-Specification (§9.12): one request of an access-request. */
export type AccessRequestSpecification =
  | {
      /** CHOICE `01` get or `02` set. */
      type: 'get' | 'set';
      /** The attribute. */
      attribute: AttributeDescriptor;
    }
  | {
      /** CHOICE `03`. */
      type: 'action';
      /** The method. */
      method: MethodDescriptor;
    }
  | {
      /** CHOICE `04` get-with-selection or `05` set-with-selection. */
      type: 'get-with-selection' | 'set-with-selection';
      /** The attribute. */
      attribute: AttributeDescriptor;
      /** The selective access (mandatory here). */
      access: SelectiveAccess;
    };

/** Access-Response-Specification (§9.12): the outcome of one request. */
export type AccessResponseSpecification =
  | {
      /** CHOICE `01` get or `02` set. */
      type: 'get' | 'set';
      /** The outcome. */
      result: DataAccessResult;
    }
  | {
      /** CHOICE `03`. */
      type: 'action';
      /** The outcome. */
      result: ActionResult;
    };

/** access-request `D9` (§9.12, summary): several GET/SET/ACTION requests in one APDU. */
export interface AccessRequest {
  /** Discriminator. */
  type: 'access-request';
  /** long-invoke-id-and-priority. */
  invoke: LongInvokeIdAndPriority;
  /** date-time, `undefined` when the octet string is empty. */
  dateTime: CosemDateTime | undefined;
  /** The requests, in order. */
  requests: AccessRequestSpecification[];
  /** One Data per request: set values, method parameters, null-data for gets. */
  data: Data[];
}

/** access-response `DA` (§9.12, summary). */
export interface AccessResponse {
  /** Discriminator. */
  type: 'access-response';
  /** long-invoke-id-and-priority. */
  invoke: LongInvokeIdAndPriority;
  /** date-time, `undefined` when the octet string is empty. */
  dateTime: CosemDateTime | undefined;
  /** The echoed request specifications, `undefined` when absent (the usual case). */
  requests: AccessRequestSpecification[] | undefined;
  /** Results of gets and actions (null-data for sets). */
  data: Data[];
  /** One outcome per request. */
  responses: AccessResponseSpecification[];
}

/**
 * Variable-Access-Specification (§9.13): which SN variable a read/write addresses. Short names
 * are unsigned 16-bit numbers here (base_name arithmetic), although the ASN.1 says Integer16.
 */
export type VariableAccessSpecification =
  | {
      /** CHOICE `02`. */
      type: 'variable-name';
      /** The short name, 0–65535. */
      variableName: number;
    }
  | {
      /** CHOICE `04`. */
      type: 'parameterized-access';
      /** The short name, 0–65535. */
      variableName: number;
      /** Unsigned8. */
      selector: number;
      /** The parameter. */
      parameters: Data;
    }
  | {
      /** CHOICE `05`. */
      type: 'block-number-access';
      /** Unsigned16. */
      blockNumber: number;
    };

/** One item of an SN read-response (§9.13). */
export type ReadResult =
  | {
      /** CHOICE `00`. */
      type: 'data';
      /** The value. */
      data: Data;
    }
  | {
      /** CHOICE `01`. */
      type: 'error';
      /** Why there is no value. */
      result: DataAccessResult;
    }
  | {
      /** CHOICE `02`: one block of a long read. */
      type: 'data-block-result';
      /** `true` on the last block. */
      lastBlock: boolean;
      /** Unsigned16. */
      blockNumber: number;
      /** A slice of the encoded value (a view into the decoded input). */
      rawData: Uint8Array;
    }
  | {
      /** CHOICE `03`. */
      type: 'block-number';
      /** Unsigned16. */
      blockNumber: number;
    };

/** One item of an SN write-response (§9.13). */
export type WriteResult =
  | {
      /** CHOICE `00`. */
      type: 'success';
    }
  | {
      /** CHOICE `01`. */
      type: 'error';
      /** Why the write failed. */
      result: DataAccessResult;
    }
  | {
      /** CHOICE `02`. */
      type: 'block-number';
      /** Unsigned16. */
      blockNumber: number;
    };

/** SN read-request `05` (§9.13). */
export interface ReadRequest {
  /** Discriminator. */
  type: 'read-request';
  /** The variables to read. */
  items: VariableAccessSpecification[];
}

/** SN read-response `0C` (§9.13). */
export interface ReadResponse {
  /** Discriminator. */
  type: 'read-response';
  /** One result per item of the request. */
  results: ReadResult[];
}

/** SN write-request `06` (§9.13). */
export interface WriteRequest {
  /** Discriminator. */
  type: 'write-request';
  /** The variables to write. */
  items: VariableAccessSpecification[];
  /** Their values (a separate SEQUENCE OF on the wire). */
  values: Data[];
}

/** SN write-response `0D` (§9.13). */
export interface WriteResponse {
  /** Discriminator. */
  type: 'write-response';
  /** One result per item of the request. */
  results: WriteResult[];
}

/** SN unconfirmed-write-request `16` (§9.13): a write-request that gets no answer. */
export interface UnconfirmedWriteRequest {
  /** Discriminator. */
  type: 'unconfirmed-write-request';
  /** The variables to write. */
  items: VariableAccessSpecification[];
  /** Their values. */
  values: Data[];
}

/** SN information-report-request `18` (§9.13): the SN push. */
export interface InformationReportRequest {
  /** Discriminator. */
  type: 'information-report-request';
  /** current-time, `undefined` when absent. */
  currentTime: CosemDateTime | undefined;
  /** The variables reported. */
  items: VariableAccessSpecification[];
  /** Their values. */
  values: Data[];
}

/** Every APDU `decodeApdu` returns and `encodeApdu` accepts. */
export type Apdu =
  | AcseApdu
  | InitiateRequest
  | InitiateResponse
  | ConfirmedServiceError
  | GetRequest
  | GetResponse
  | SetRequest
  | SetResponse
  | ActionRequest
  | ActionResponse
  | DataNotification
  | EventNotificationRequest
  | ExceptionResponse
  | GeneralBlockTransfer
  | AccessRequest
  | AccessResponse
  | ReadRequest
  | ReadResponse
  | WriteRequest
  | WriteResponse
  | UnconfirmedWriteRequest
  | InformationReportRequest
  | CipheredApdu;

/** The `type` of every {@link Apdu}. */
export type ApduType = Apdu['type'];
