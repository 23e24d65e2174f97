import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, LinkError, MissingDependencyError } from '../../src/core/errors.js';
import {
  type SerialPortLike,
  type SerialPortModule,
  type SerialPortOpenOptions,
  serial,
} from '../../src/links/index.js';
import { collect, nextEvent, until } from './helpers.js';

/** A minimal stand-in for serialport, injected through the test-only loader seam. */
class FakePort extends EventEmitter implements SerialPortLike {
  isOpen = false;
  written: Uint8Array[] = [];
  constructor(readonly options: SerialPortOpenOptions) {
    super();
  }
  open(callback: (error: Error | null) => void): void {
    setImmediate(() => {
      this.isOpen = true;
      callback(null);
    });
  }
  write(data: Uint8Array, callback: (error: Error | null | undefined) => void): boolean {
    this.written.push(data);
    setImmediate(() => callback(null));
    return true;
  }
  close(callback: (error: Error | null) => void): void {
    this.isOpen = false;
    setImmediate(() => {
      callback(null);
      this.emit('close');
    });
  }
  unplug(): void {
    this.isOpen = false;
    this.emit('close', new Error('Error: device disconnected'));
  }
}

function fakeSerialPort(): { module: SerialPortModule; ports: FakePort[] } {
  const ports: FakePort[] = [];
  class TrackedPort extends FakePort {
    constructor(options: SerialPortOpenOptions) {
      super(options);
      ports.push(this);
    }
  }
  return { module: { SerialPort: TrackedPort }, ports };
}

describe('serial', () => {
  it('describes a bus with its baud rate and validates options', () => {
    const link = serial({ path: '/dev/ttyUSB0' });
    expect(link.info).toEqual({
      transport: 'serial',
      messageOriented: false,
      bus: true,
      baudRate: 19200,
      peer: 'serial:///dev/ttyUSB0',
    });
    expect(serial({ path: 'COM3', baudRate: 9600 }).info.baudRate).toBe(9600);
    expect(() => serial({ path: '' })).toThrow(InvalidArgumentError);
    expect(() => serial({ path: 'x', dataBits: 9 as 8 })).toThrow(InvalidArgumentError);
    expect(() => serial({ path: 'x', parity: 'weird' as 'none' })).toThrow(InvalidArgumentError);
    expect(() => serial({ path: 'x', stopBits: 3 as 1 })).toThrow(InvalidArgumentError);
  });

  it('fails with a LinkError carrying the OS message for a path that does not exist', async () => {
    const link = serial({ path: '/dev/meterlink-no-such-port' });
    const error = await link.open({ timeoutMs: 2000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LinkError);
    expect((error as Error).message).toContain('serial:///dev/meterlink-no-such-port');
    expect((error as Error).message).toMatch(/no such file/i);
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(link.state).toBe('closed');
  });

  it('fails with a MissingDependencyError when serialport is not installed', async () => {
    const notFound = Object.assign(new Error("Cannot find package 'serialport'"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    const link = serial({ path: '/dev/ttyUSB0', loadSerialPort: () => Promise.reject(notFound) });
    const error = await link.open().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingDependencyError);
    expect((error as MissingDependencyError).packageName).toBe('serialport');
    expect((error as Error).message).toContain('npm install serialport');
    expect((error as Error).cause).toBe(notFound);
  });

  it('reports other load failures as a LinkError', async () => {
    const link = serial({
      path: '/dev/ttyUSB0',
      loadSerialPort: () => Promise.reject(new Error('bad ELF header')),
    });
    const error = await link.open().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LinkError);
    expect((error as Error).message).toContain('bad ELF header');
  });

  it('opens with the line settings, moves bytes and closes the port', async () => {
    const fake = fakeSerialPort();
    const link = serial({
      path: '/dev/ttyS1',
      baudRate: 9600,
      parity: 'none',
      stopBits: 2,
      loadSerialPort: async () => fake.module,
    });
    await link.open();
    const port = fake.ports[0]!;
    expect(port.options).toEqual({
      path: '/dev/ttyS1',
      baudRate: 9600,
      dataBits: 8,
      parity: 'none',
      stopBits: 2,
      rtscts: false,
      autoOpen: false,
    });
    const chunks = collect(link);
    port.emit('data', new Uint8Array([1, 2]));
    expect(chunks.map((c) => [...c])).toEqual([[1, 2]]);
    await link.write(new Uint8Array([3]));
    expect(port.written.map((c) => [...c])).toEqual([[3]]);
    await link.close();
    expect(port.isOpen).toBe(false);
    expect(link.state).toBe('closed');
  });

  it('emits close with a LinkError when the device goes away', async () => {
    const fake = fakeSerialPort();
    const link = serial({ path: '/dev/ttyS1', loadSerialPort: async () => fake.module });
    await link.open();
    const closed = nextEvent(link, 'close');
    fake.ports[0]!.unplug();
    const [error] = await closed;
    expect(error).toBeInstanceOf(LinkError);
    expect(error?.message).toContain('device disconnected');
    await until(() => link.state === 'closed');
  });
});
