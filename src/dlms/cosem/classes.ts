/**
 * Descriptors of the COSEM interface classes of meterlink spec §11.3: attributes and methods with
 * their numbers, names and A-XDR `Data` types (as descriptive text), for display and lookups.
 *
 * @module
 */

/** One attribute of an interface class (§11.2: numbered from 1, attribute 1 is logical_name). */
export interface CosemAttributeInfo {
  /** Attribute number. */
  readonly id: number;
  /** Name as in the class table (`'scaler_unit'`). */
  readonly name: string;
  /** The `Data` type, in words (`'structure { integer scaler, enum unit }'`). */
  readonly type: string;
  /** First class version that has the attribute, when later than the first version described. */
  readonly since?: number;
}

/** One method of an interface class (§11.2: numbered from 1). */
export interface CosemMethodInfo {
  /** Method number. */
  readonly id: number;
  /** Name as in the class table (`'reset'`). */
  readonly name: string;
  /** The parameter's `Data` type, in words; dummy parameters are `integer 0` (§11.2). */
  readonly parameter: string;
  /** First class version that has the method, when later than the first version described. */
  readonly since?: number;
}

/** An interface class. */
export interface CosemClassInfo {
  /** The class_id. */
  readonly classId: number;
  /** The newest version the descriptor covers (older versions lack the items with a later `since`). */
  readonly version: number;
  /** Class name (`'Profile generic'`). */
  readonly name: string;
  /** Attributes in number order. */
  readonly attributes: readonly CosemAttributeInfo[];
  /** Methods in number order (empty when the class has none). */
  readonly methods: readonly CosemMethodInfo[];
}

const ln = { id: 1, name: 'logical_name', type: 'octet-string' } as const;
const scalerUnit = 'structure { integer scaler, enum unit }';
const dateTime = 'octet-string(12) date-time';
const dummy = 'integer 0';
const captureObject =
  'structure { long-unsigned class_id, octet-string logical_name, integer, long-unsigned }';
const reset = { id: 1, name: 'reset', parameter: dummy } as const;
const objectListElement = 'structure { long-unsigned, unsigned, octet-string, structure access_rights }';
const user = 'structure { unsigned user_id, visible-string user_name }';

/** The interface classes of §11.3, keyed by class_id. */
export const cosemClasses: Readonly<Record<number, CosemClassInfo>> = {
  1: {
    classId: 1,
    version: 0,
    name: 'Data',
    attributes: [ln, { id: 2, name: 'value', type: 'CHOICE' }],
    methods: [],
  },
  3: {
    classId: 3,
    version: 0,
    name: 'Register',
    attributes: [
      ln,
      { id: 2, name: 'value', type: 'CHOICE' },
      { id: 3, name: 'scaler_unit', type: scalerUnit },
    ],
    methods: [reset],
  },
  4: {
    classId: 4,
    version: 0,
    name: 'Extended register',
    attributes: [
      ln,
      { id: 2, name: 'value', type: 'CHOICE' },
      { id: 3, name: 'scaler_unit', type: scalerUnit },
      { id: 4, name: 'status', type: 'CHOICE' },
      { id: 5, name: 'capture_time', type: dateTime },
    ],
    methods: [reset],
  },
  5: {
    classId: 5,
    version: 0,
    name: 'Demand register',
    attributes: [
      ln,
      { id: 2, name: 'current_average_value', type: 'CHOICE' },
      { id: 3, name: 'last_average_value', type: 'CHOICE' },
      { id: 4, name: 'scaler_unit', type: scalerUnit },
      { id: 5, name: 'status', type: 'CHOICE' },
      { id: 6, name: 'capture_time', type: dateTime },
      { id: 7, name: 'start_time_current', type: dateTime },
      { id: 8, name: 'period', type: 'double-long-unsigned' },
      { id: 9, name: 'number_of_periods', type: 'long-unsigned' },
    ],
    methods: [reset, { id: 2, name: 'next_period', parameter: dummy }],
  },
  7: {
    classId: 7,
    version: 1,
    name: 'Profile generic',
    attributes: [
      ln,
      { id: 2, name: 'buffer', type: 'array of structure' },
      { id: 3, name: 'capture_objects', type: `array of ${captureObject}` },
      { id: 4, name: 'capture_period', type: 'double-long-unsigned' },
      { id: 5, name: 'sort_method', type: 'enum' },
      { id: 6, name: 'sort_object', type: captureObject },
      { id: 7, name: 'entries_in_use', type: 'double-long-unsigned' },
      { id: 8, name: 'profile_entries', type: 'double-long-unsigned' },
    ],
    methods: [reset, { id: 2, name: 'capture', parameter: dummy }],
  },
  8: {
    classId: 8,
    version: 0,
    name: 'Clock',
    attributes: [
      ln,
      { id: 2, name: 'time', type: dateTime },
      { id: 3, name: 'time_zone', type: 'long' },
      { id: 4, name: 'status', type: 'unsigned' },
      { id: 5, name: 'daylight_savings_begin', type: dateTime },
      { id: 6, name: 'daylight_savings_end', type: dateTime },
      { id: 7, name: 'daylight_savings_deviation', type: 'integer' },
      { id: 8, name: 'daylight_savings_enabled', type: 'boolean' },
      { id: 9, name: 'clock_base', type: 'enum' },
    ],
    methods: [
      { id: 1, name: 'adjust_to_quarter', parameter: dummy },
      { id: 2, name: 'adjust_to_measuring_period', parameter: dummy },
      { id: 3, name: 'adjust_to_minute', parameter: dummy },
      { id: 4, name: 'adjust_to_preset_time', parameter: dummy },
      { id: 5, name: 'preset_adjusting_time', parameter: `structure of 3 ${dateTime}` },
      { id: 6, name: 'shift_time', parameter: 'long' },
    ],
  },
  9: {
    classId: 9,
    version: 0,
    name: 'Script table',
    attributes: [
      ln,
      { id: 2, name: 'scripts', type: 'array of structure { long-unsigned, array of action_specification }' },
    ],
    methods: [{ id: 1, name: 'execute', parameter: 'long-unsigned' }],
  },
  12: {
    classId: 12,
    version: 2,
    name: 'Association SN',
    attributes: [
      ln,
      {
        id: 2,
        name: 'object_list',
        type: 'array of structure { long, long-unsigned, unsigned, octet-string }',
      },
      { id: 3, name: 'access_rights_list', type: 'array of structure' },
      { id: 4, name: 'security_setup_reference', type: 'octet-string' },
    ],
    methods: [
      { id: 1, name: 'read_by_logicalname', parameter: 'array' },
      { id: 2, name: 'get_attributes&services', parameter: 'array' },
      { id: 3, name: 'change_LLS_secret', parameter: 'octet-string' },
      { id: 4, name: 'change_HLS_secret', parameter: 'octet-string' },
      { id: 8, name: 'reply_to_HLS_authentication', parameter: 'octet-string' },
    ],
  },
  15: {
    classId: 15,
    version: 3,
    name: 'Association LN',
    attributes: [
      ln,
      { id: 2, name: 'object_list', type: `array of ${objectListElement}` },
      { id: 3, name: 'associated_partners_id', type: 'structure { integer, long-unsigned }' },
      { id: 4, name: 'application_context_name', type: 'structure of 7 unsigned' },
      { id: 5, name: 'xDLMS_context_info', type: 'structure' },
      { id: 6, name: 'authentication_mechanism_name', type: 'structure of 7 unsigned' },
      { id: 7, name: 'secret', type: 'octet-string' },
      { id: 8, name: 'association_status', type: 'enum' },
      { id: 9, name: 'security_setup_reference', type: 'octet-string', since: 1 },
      { id: 10, name: 'user_list', type: `array of ${user}`, since: 2 },
      { id: 11, name: 'current_user', type: user, since: 2 },
    ],
    methods: [
      { id: 1, name: 'reply_to_HLS_authentication', parameter: 'octet-string' },
      { id: 2, name: 'change_HLS_secret', parameter: 'octet-string' },
      { id: 3, name: 'add_object', parameter: objectListElement },
      { id: 4, name: 'remove_object', parameter: objectListElement },
      { id: 5, name: 'add_user', parameter: user, since: 2 },
      { id: 6, name: 'remove_user', parameter: user, since: 2 },
    ],
  },
  17: {
    classId: 17,
    version: 0,
    name: 'SAP assignment',
    attributes: [
      ln,
      { id: 2, name: 'SAP_assignment_list', type: 'array of structure { long-unsigned, octet-string }' },
    ],
    methods: [
      { id: 1, name: 'connect_logical_device', parameter: 'structure { long-unsigned, octet-string }' },
    ],
  },
  18: {
    classId: 18,
    version: 0,
    name: 'Image transfer',
    attributes: [
      ln,
      { id: 2, name: 'image_block_size', type: 'double-long-unsigned' },
      { id: 3, name: 'image_transferred_blocks_status', type: 'bit-string' },
      { id: 4, name: 'image_first_not_transferred_block_number', type: 'double-long-unsigned' },
      { id: 5, name: 'image_transfer_enabled', type: 'boolean' },
      { id: 6, name: 'image_transfer_status', type: 'enum' },
      { id: 7, name: 'image_to_activate_info', type: 'array of structure' },
    ],
    methods: [
      {
        id: 1,
        name: 'image_transfer_initiate',
        parameter: 'structure { octet-string image_identifier, double-long-unsigned image_size }',
      },
      {
        id: 2,
        name: 'image_block_transfer',
        parameter: 'structure { double-long-unsigned number, octet-string value }',
      },
      { id: 3, name: 'image_verify', parameter: dummy },
      { id: 4, name: 'image_activate', parameter: dummy },
    ],
  },
  23: {
    classId: 23,
    version: 1,
    name: 'IEC HDLC setup',
    attributes: [
      ln,
      { id: 2, name: 'comm_speed', type: 'enum' },
      { id: 3, name: 'window_size_transmit', type: 'unsigned' },
      { id: 4, name: 'window_size_receive', type: 'unsigned' },
      { id: 5, name: 'max_info_field_length_transmit', type: 'long-unsigned' },
      { id: 6, name: 'max_info_field_length_receive', type: 'long-unsigned' },
      { id: 7, name: 'inter_octet_time_out', type: 'long-unsigned' },
      { id: 8, name: 'inactivity_time_out', type: 'long-unsigned' },
      { id: 9, name: 'device_address', type: 'long-unsigned' },
    ],
    methods: [],
  },
  40: {
    classId: 40,
    version: 2,
    name: 'Push setup',
    attributes: [
      ln,
      { id: 2, name: 'push_object_list', type: `array of ${captureObject}` },
      { id: 3, name: 'send_destination_and_method', type: 'structure { enum, octet-string, enum }' },
      { id: 4, name: 'communication_window', type: 'array of structure { date-time, date-time }' },
      { id: 5, name: 'randomisation_start_interval', type: 'long-unsigned' },
      { id: 6, name: 'number_of_retries', type: 'unsigned' },
      { id: 7, name: 'repetition_delay', type: 'long-unsigned (structure in version 2)' },
      { id: 8, name: 'port_reference', type: 'octet-string', since: 1 },
      { id: 9, name: 'push_client_SAP', type: 'integer', since: 1 },
      { id: 10, name: 'push_protection_parameters', type: 'array', since: 1 },
      { id: 11, name: 'push_operation_method', type: 'enum', since: 2 },
      { id: 12, name: 'confirmation_parameters', type: 'structure', since: 2 },
      { id: 13, name: 'last_confirmation_date_time', type: 'date-time', since: 2 },
    ],
    methods: [{ id: 1, name: 'push', parameter: dummy }],
  },
  41: {
    classId: 41,
    version: 0,
    name: 'TCP-UDP setup',
    attributes: [
      ln,
      { id: 2, name: 'TCP-UDP_port', type: 'long-unsigned' },
      { id: 3, name: 'IP_reference', type: 'octet-string' },
      { id: 4, name: 'MSS', type: 'long-unsigned' },
      { id: 5, name: 'nb_of_sim_conn', type: 'unsigned' },
      { id: 6, name: 'inactivity_time_out', type: 'long-unsigned' },
    ],
    methods: [],
  },
  64: {
    classId: 64,
    version: 1,
    name: 'Security setup',
    attributes: [
      ln,
      { id: 2, name: 'security_policy', type: 'enum' },
      { id: 3, name: 'security_suite', type: 'enum' },
      { id: 4, name: 'client_system_title', type: 'octet-string(8)' },
      { id: 5, name: 'server_system_title', type: 'octet-string(8)' },
      { id: 6, name: 'certificates', type: 'array of structure', since: 1 },
    ],
    methods: [
      { id: 1, name: 'security_activate', parameter: 'enum' },
      { id: 2, name: 'global_key_transfer', parameter: 'array of structure { enum, octet-string }' },
      { id: 3, name: 'key_agreement', parameter: 'array of structure { enum, octet-string }', since: 1 },
      { id: 4, name: 'generate_key_pair', parameter: 'enum', since: 1 },
      { id: 5, name: 'generate_certificate_request', parameter: 'enum', since: 1 },
      { id: 6, name: 'import_certificate', parameter: 'octet-string', since: 1 },
      { id: 7, name: 'export_certificate', parameter: 'structure', since: 1 },
      { id: 8, name: 'remove_certificate', parameter: 'structure', since: 1 },
    ],
  },
  70: {
    classId: 70,
    version: 0,
    name: 'Disconnect control',
    attributes: [
      ln,
      { id: 2, name: 'output_state', type: 'boolean' },
      { id: 3, name: 'control_state', type: 'enum' },
      { id: 4, name: 'control_mode', type: 'enum' },
    ],
    methods: [
      { id: 1, name: 'remote_disconnect', parameter: dummy },
      { id: 2, name: 'remote_reconnect', parameter: dummy },
    ],
  },
};

/** The class_id of every class in {@link cosemClasses}, by a camel-case name. */
export const ClassId = {
  /** 1: Data. */
  data: 1,
  /** 3: Register. */
  register: 3,
  /** 4: Extended register. */
  extendedRegister: 4,
  /** 5: Demand register. */
  demandRegister: 5,
  /** 7: Profile generic. */
  profileGeneric: 7,
  /** 8: Clock. */
  clock: 8,
  /** 9: Script table. */
  scriptTable: 9,
  /** 12: Association SN. */
  associationSn: 12,
  /** 15: Association LN. */
  associationLn: 15,
  /** 17: SAP assignment. */
  sapAssignment: 17,
  /** 18: Image transfer. */
  imageTransfer: 18,
  /** 23: IEC HDLC setup. */
  iecHdlcSetup: 23,
  /** 40: Push setup. */
  pushSetup: 40,
  /** 41: TCP-UDP setup. */
  tcpUdpSetup: 41,
  /** 64: Security setup. */
  securitySetup: 64,
  /** 70: Disconnect control. */
  disconnectControl: 70,
} as const;

/** A class_id described in {@link cosemClasses}. */
export type KnownClassId = (typeof ClassId)[keyof typeof ClassId];

/** Attribute numbers of Profile generic (class 7). */
export const ProfileGenericAttribute = {
  /** 2: buffer (array of structure). */
  buffer: 2,
  /** 3: capture_objects. */
  captureObjects: 3,
  /** 4: capture_period, seconds. */
  capturePeriod: 4,
  /** 7: entries_in_use. */
  entriesInUse: 7,
} as const;

/** Attribute numbers of Clock (class 8). */
export const ClockAttribute = {
  /** 2: time, octet-string(12) date-time. */
  time: 2,
  /** 3: time_zone, minutes. */
  timeZone: 3,
  /** 4: status. */
  status: 4,
} as const;

/** Attribute numbers of Register (class 3) and Extended register (class 4). */
export const RegisterAttribute = {
  /** 2: value. */
  value: 2,
  /** 3: scaler_unit. */
  scalerUnit: 3,
} as const;

/** Attribute numbers of Association LN (class 15). */
export const AssociationLnAttribute = {
  /** 2: object_list. */
  objectList: 2,
  /** 4: application_context_name. */
  applicationContextName: 4,
  /** 8: association_status. */
  associationStatus: 8,
} as const;

/**
 * Looks an interface class up by its class_id.
 *
 * @param classId - The class_id.
 * @returns The class descriptor, or `undefined` for a class §11.3 does not describe.
 * @example
 * ```ts
 * classById(8)?.name; // 'Clock'
 * ```
 */
export function classById(classId: number): CosemClassInfo | undefined {
  return cosemClasses[classId];
}

/**
 * The name of an attribute of a class.
 *
 * @param classId - The class_id.
 * @param attributeId - The attribute number.
 * @returns The attribute's name (`'time'` for 8/2), or `undefined` when the class or the
 *   attribute is not described.
 * @example
 * ```ts
 * attributeName(8, 2); // 'time'
 * attributeName(3, 3); // 'scaler_unit'
 * ```
 */
export function attributeName(classId: number, attributeId: number): string | undefined {
  return classById(classId)?.attributes.find((a) => a.id === attributeId)?.name;
}

/**
 * The name of a method of a class.
 *
 * @param classId - The class_id.
 * @param methodId - The method number.
 * @returns The method's name (`'remote_disconnect'` for 70/1), or `undefined` when unknown.
 * @example
 * ```ts
 * methodName(70, 1); // 'remote_disconnect'
 * ```
 */
export function methodName(classId: number, methodId: number): string | undefined {
  return classById(classId)?.methods.find((m) => m.id === methodId)?.name;
}
