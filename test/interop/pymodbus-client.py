#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""pymodbus (3.0.x, Debian's python3-pymodbus) as an independent Modbus client peer for meterlink's
interop tests.

Connects to a Modbus/TCP (MBAP), RTU-over-TCP or Modbus/UDP (MBAP) server on 127.0.0.1, runs every function code the
pymodbus client can send against it, and prints one JSON object on stdout: step name → what
pymodbus decoded ({"exception": code} for an exception response, {"error": text} when pymodbus
failed), plus "_timing_ms": step name → milliseconds, for diagnosing slow runs. The server must hold the data model test/interop/pymodbus.test.ts gives it.

Usage: /usr/bin/python3 pymodbus-client.py --port PORT [--framer tcp|rtu] [--transport tcp|udp]
                                          [--unit 1] [--timeout 1.0] [--deadline 20]
"""

import argparse
import json
import os
import signal
import sys
import time

from pymodbus import diag_message as diag
from pymodbus import file_message as files
from pymodbus import mei_message as mei
from pymodbus import other_message as other
from pymodbus.client import ModbusTcpClient, ModbusUdpClient
from pymodbus.transaction import ModbusRtuFramer, ModbusSocketFramer


def hexlify(value):
    return value.hex() if isinstance(value, (bytes, bytearray)) else value


def decoded(response, fields):
    """The response as JSON: an exception code, or the named fields pymodbus decoded."""
    if response is None:
        return {"error": "no response"}
    if isinstance(response, Exception):
        return {"error": f"{type(response).__name__}: {response}"}
    if response.isError():
        code = getattr(response, "exception_code", None)
        return {"exception": code} if code is not None else {"error": str(response)}
    out = {"function_code": response.function_code}
    for field in fields:
        out[field] = hexlify(getattr(response, field, None))
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--framer", choices=["tcp", "rtu"], default="tcp")
    parser.add_argument("--transport", choices=["tcp", "udp"], default="tcp")
    parser.add_argument("--unit", type=int, default=1)
    parser.add_argument("--other-unit", type=int, default=2, help="a second served unit")
    parser.add_argument("--missing-unit", type=int, default=9, help="a unit the server does not serve")
    parser.add_argument("--deadline", type=float, default=20.0, help="hard exit after this many seconds")
    parser.add_argument("--timeout", type=float, default=1.0, help="response timeout per request")
    args = parser.parse_args()

    # Never hang: whatever happens, the process ends by the deadline.
    signal.signal(signal.SIGALRM, lambda *_: os._exit(3))
    signal.setitimer(signal.ITIMER_REAL, args.deadline)

    framer = ModbusRtuFramer if args.framer == "rtu" else ModbusSocketFramer
    # pymodbus 3.0 casts the timeout to int (0.5 → 0, a non-blocking connect that fails): connect with
    # whole seconds, then set the response timeout.
    client_class = ModbusUdpClient if args.transport == "udp" else ModbusTcpClient
    client = client_class(args.host, port=args.port, framer=framer, timeout=max(1, round(args.timeout)), retries=0)
    if not client.connect():
        print(json.dumps({"error": f"cannot connect to {args.host}:{args.port}"}), flush=True)
        return 2
    client.params.timeout = args.timeout
    client.socket.settimeout(args.timeout)

    unit = args.unit
    results = {}

    timing = {}

    def step(name, call, fields=()):
        started = time.monotonic()
        try:
            results[name] = decoded(call(), fields)
        except Exception as error:  # noqa: BLE001 - every failure is a result
            results[name] = decoded(error, fields)
        timing[name] = round((time.monotonic() - started) * 1000)

    def run(request):
        return client.execute(request)

    # Bit and register reads (FC1–4).
    step("fc1", lambda: client.read_coils(0, 10, slave=unit), ["bits"])
    step("fc2", lambda: client.read_discrete_inputs(0, 10, slave=unit), ["bits"])
    step("fc3", lambda: client.read_holding_registers(0, 5, slave=unit), ["registers"])
    step("fc4", lambda: client.read_input_registers(0, 5, slave=unit), ["registers"])

    # Writes (FC5, 6, 15, 16, 22, 23), each followed by a read-back.
    step("fc5", lambda: client.write_coil(20, True, slave=unit), ["address", "value"])
    step("fc5-readback", lambda: client.read_coils(20, 2, slave=unit), ["bits"])
    step("fc5-off", lambda: client.write_coil(21, False, slave=unit), ["address", "value"])
    step("fc6", lambda: client.write_register(30, 0xBEEF, slave=unit), ["address", "value"])
    step("fc6-readback", lambda: client.read_holding_registers(30, 1, slave=unit), ["registers"])
    pattern = [True, False, True, True, False, False, True, False, True]
    step("fc15", lambda: client.write_coils(40, pattern, slave=unit), ["address", "count"])
    step("fc15-readback", lambda: client.read_coils(40, len(pattern), slave=unit), ["bits"])
    step("fc16", lambda: client.write_registers(50, [1, 2, 0xFFFF], slave=unit), ["address", "count"])
    step("fc16-readback", lambda: client.read_holding_registers(50, 3, slave=unit), ["registers"])
    step(
        "fc22",
        lambda: client.mask_write_register(address=60, and_mask=0x00F2, or_mask=0x0025, unit=unit),
        ["address", "and_mask", "or_mask"],
    )
    step("fc22-readback", lambda: client.read_holding_registers(60, 1, slave=unit), ["registers"])
    step(
        "fc23",
        lambda: client.readwrite_registers(
            read_address=50, read_count=3, write_address=70, write_registers=[7, 8], unit=unit
        ),
        ["registers"],
    )
    step("fc23-readback", lambda: client.read_holding_registers(70, 2, slave=unit), ["registers"])

    # Serial-line diagnostics (FC7, 8, 11, 12, 17).
    step("fc7", lambda: client.read_exception_status(slave=unit), ["status"])
    step("fc8-query-data", lambda: run(diag.ReturnQueryDataRequest(0x1234, unit=unit)), ["sub_function_code", "message"])
    step(
        "fc8-diagnostic-register",
        lambda: run(diag.ReturnDiagnosticRegisterRequest(unit=unit)),
        ["sub_function_code", "message"],
    )
    step("fc8-bus-message-count", lambda: run(diag.ReturnBusMessageCountRequest(unit=unit)), ["sub_function_code", "message"])
    step("fc8-clear-counters", lambda: run(diag.ClearCountersRequest(unit=unit)), ["sub_function_code", "message"])
    step("fc11", lambda: run(other.GetCommEventCounterRequest(unit=unit)), ["status", "count"])
    step("fc12", lambda: run(other.GetCommEventLogRequest(unit=unit)), ["status", "event_count", "message_count", "events"])
    step("fc17", lambda: run(other.ReportSlaveIdRequest(unit=unit)), ["identifier", "status"])

    # File records (FC20, 21) and FIFO (FC24).
    def read_records(records):
        response = run(files.ReadFileRecordRequest(records, unit=unit))
        if response is not None and not response.isError():
            response.data = [hexlify(r.record_data) for r in response.records]
        return response

    step(
        "fc20",
        lambda: read_records(
            [
                files.FileRecord(file_number=1, record_number=0, record_length=3),
                files.FileRecord(file_number=2, record_number=4, record_length=2),
            ]
        ),
        ["data"],
    )
    step(
        "fc21",
        lambda: run(
            files.WriteFileRecordRequest(
                [files.FileRecord(file_number=1, record_number=7, record_data=bytes.fromhex("cafe0102"))], unit=unit
            )
        ),
        [],
    )
    step("fc21-readback", lambda: read_records([files.FileRecord(file_number=1, record_number=7, record_length=2)]), ["data"])
    step("fc24-empty", lambda: run(files.ReadFifoQueueRequest(0x0011, unit=unit)), ["values"])
    step("fc24", lambda: run(files.ReadFifoQueueRequest(0x0010, unit=unit)), ["values"])

    # Device identification (FC43/14).
    def identification(read_code, object_id):
        response = run(mei.ReadDeviceInformationRequest(read_code=read_code, object_id=object_id, unit=unit))
        if response is not None and not response.isError():
            response.objects = {str(k): hexlify(v) for k, v in response.information.items()}
        return response

    id_fields = ["read_code", "conformity", "more_follows", "next_object_id", "number_of_objects", "objects"]
    step("fc43-basic", lambda: identification(1, 0), id_fields)
    step("fc43-regular", lambda: identification(2, 0), id_fields)
    step("fc43-extended", lambda: identification(3, 0), id_fields)
    step("fc43-individual", lambda: identification(4, 4), id_fields)
    step("fc43-individual-missing", lambda: identification(4, 0x90), id_fields)

    # Exceptions and unit handling.
    step("exception-address", lambda: client.read_holding_registers(1000, 1, slave=unit), ["registers"])
    step("exception-quantity", lambda: client.read_coils(0, 2001, slave=unit), ["bits"])
    step("other-unit", lambda: client.read_holding_registers(0, 2, slave=args.other_unit), ["registers"])
    step("missing-unit", lambda: client.read_holding_registers(0, 2, slave=args.missing_unit), ["registers"])

    client.close()
    results["_timing_ms"] = timing
    print(json.dumps(results), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
