#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""pymodbus (3.0.x, Debian's python3-pymodbus) as an independent Modbus server peer for meterlink's
interop tests.

Starts, on 127.0.0.1 with ports picked by the OS, a Modbus/TCP (MBAP) server, an RTU-over-TCP
server and a Modbus/UDP (MBAP) server that share one data model, then prints one JSON line on
stdout as the readiness signal:

    {"tcp": <port>, "rtu": <port>, "udp": <port>, "pymodbus": "<version>"}

Units 1 and 2 are served (unit 2 holds different register values); unit 0 is a broadcast and any
other unit id gets pymodbus's answer for a missing slave (exception 0x0B). The process exits when stdin closes (the test runner went
away), on SIGTERM/SIGINT, or after a hard lifetime limit, so it can never outlive a test run.

Usage: /usr/bin/python3 pymodbus-server.py [--lifetime SECONDS]
"""

import argparse
import asyncio
import json
import os
import signal
import sys

import pymodbus
from pymodbus.datastore import (
    ModbusSequentialDataBlock,
    ModbusServerContext,
    ModbusSlaveContext,
)
from pymodbus.device import ModbusDeviceIdentification
from pymodbus.server.async_io import ModbusTcpServer, ModbusUdpServer
from pymodbus.transaction import ModbusRtuFramer, ModbusSocketFramer

# The data model; test/interop/pymodbus.test.ts mirrors these formulas.
TABLE_SIZE = 100


def unit_model(unit):
    """Block contents of one unit: unit 2's registers are offset so a mix-up shows."""
    offset = 0 if unit == 1 else 0x0100
    return {
        "co": [i % 3 == 0 for i in range(TABLE_SIZE)],
        "di": [i % 2 == 0 for i in range(TABLE_SIZE)],
        "hr": [(0x1000 + offset + i) for i in range(TABLE_SIZE)],
        "ir": [(0x2000 + offset + i) for i in range(TABLE_SIZE)],
    }


IDENTITY = {
    0x00: "pymodbus-peer",
    0x01: "PMP",
    0x02: "3.0.0",
    0x03: "http://peer.invalid",
    0x04: "pymodbus interop peer",
    0x05: "peer-model",
    0x06: "meterlink-interop",
    0x80: "private-80",
}


def make_context():
    slaves = {}
    for unit in (1, 2):
        model = unit_model(unit)
        slaves[unit] = ModbusSlaveContext(
            # zero_mode: PDU address N is element N (pymodbus otherwise adds one).
            zero_mode=True,
            co=ModbusSequentialDataBlock(0, model["co"]),
            di=ModbusSequentialDataBlock(0, model["di"]),
            hr=ModbusSequentialDataBlock(0, model["hr"]),
            ir=ModbusSequentialDataBlock(0, model["ir"]),
        )
    return ModbusServerContext(slaves=slaves, single=False)


def bound_port(server):
    """The port a started server is bound to, or None while it is not bound yet."""
    if isinstance(server, ModbusUdpServer):
        transport = server.protocol  # pymodbus 3.0 keeps the datagram transport there
        return transport.get_extra_info("sockname")[1] if transport is not None else None
    if server.server is not None and server.server.sockets:
        return server.server.sockets[0].getsockname()[1]
    return None


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lifetime", type=float, default=120.0, help="hard exit after this many seconds")
    args = parser.parse_args()

    context = make_context()
    identity = ModbusDeviceIdentification(info=dict(IDENTITY))
    # broadcast_enable: unit 0 is a broadcast (executed on every unit, not answered), and an unknown
    # unit gets exception 0x0B; without it pymodbus 3.0 silently drops frames for unknown units.
    common = dict(identity=identity, address=("127.0.0.1", 0), defer_start=True, broadcast_enable=True)
    servers = {
        "tcp": ModbusTcpServer(context, framer=ModbusSocketFramer, **common),
        "rtu": ModbusTcpServer(context, framer=ModbusRtuFramer, **common),
        "udp": ModbusUdpServer(context, framer=ModbusSocketFramer, **common),
    }
    tasks = [asyncio.create_task(s.serve_forever()) for s in servers.values()]

    ports = {}
    for _ in range(200):  # up to 10 s for the servers to bind
        ports = {name: bound_port(server) for name, server in servers.items()}
        if all(ports.values()):
            break
        await asyncio.sleep(0.05)
    else:
        print(json.dumps({"error": "servers did not bind", "ports": ports}), flush=True)
        os._exit(1)
    ports["pymodbus"] = pymodbus.__version__
    print(json.dumps(ports), flush=True)

    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    # stdin closing means the parent is gone.
    loop.add_reader(sys.stdin.fileno(), lambda: stop.set() if not os.read(sys.stdin.fileno(), 4096) else None)
    try:
        await asyncio.wait_for(stop.wait(), timeout=args.lifetime)
    except asyncio.TimeoutError:
        pass
    for server in servers.values():
        try:
            await asyncio.wait_for(server.shutdown(), timeout=2)
        except Exception:  # noqa: BLE001 - shutting down regardless
            pass
    for task in tasks:
        task.cancel()
    # pymodbus 3.0 may leave connection tasks behind; do not wait for them.
    os._exit(0)


if __name__ == "__main__":
    asyncio.run(main())
