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
  openError: Error | null = null;
  constructor(readonly options: SerialPortOpenOptions) {
    super();
  }
  open(callback: (error: Error | null) => void): void {
    setImmediate(() => {
      this.isOpen = this.openError === null;
      callback(this.openError);
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

/** A port that can change its baud rate while open, like serialport's `update()`. */
class UpdatablePort extends FakePort {
  updates: number[] = [];
  update(options: { baudRate: number }, callback: (error: Error | null) => void): void {
    this.updates.push(options.baudRate);
    setImmediate(() => callback(options.baudRate === 1234 ? new Error('Error: invalid baud') : null));
  }
}

function fakeSerialPort(
  { updatable = false }: { updatable?: boolean } = {},
  openErrors: (Error | null)[] = [],
): { module: SerialPortModule; ports: FakePort[] } {
  const ports: FakePort[] = [];
  const Base = updatable ? UpdatablePort : FakePort;
  class TrackedPort extends Base {
    constructor(options: SerialPortOpenOptions) {
      super(options);
      this.openError = openErrors[ports.length] ?? null;
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

  describe('reconfigure', () => {
    const line7e1 = { baudRate: 300, dataBits: 7, parity: 'even', stopBits: 1 } as const;

    it('reopens the port for new data bits and parity, keeping the link open with its listeners', async () => {
      const fake = fakeSerialPort();
      const link = serial({ path: '/dev/ttyS1', baudRate: 9600, loadSerialPort: async () => fake.module });
      await link.open();
      const events: string[] = [];
      link.on('open', () => events.push('open'));
      link.on('close', () => events.push('close'));
      const chunks = collect(link);
      await link.reconfigure(line7e1);
      expect(link.state).toBe('open');
      expect(link.info.baudRate).toBe(300);
      expect(fake.ports).toHaveLength(2);
      expect(fake.ports[0]!.isOpen).toBe(false);
      expect(fake.ports[1]!.options).toMatchObject({ path: '/dev/ttyS1', ...line7e1 });
      await new Promise((resolve) => setImmediate(resolve)); // the old port's close event
      expect(events).toEqual([]);
      fake.ports[0]!.emit('data', new Uint8Array([9])); // a stale port is ignored
      fake.ports[1]!.emit('data', new Uint8Array([1]));
      expect(chunks.map((c) => [...c])).toEqual([[1]]);
      await link.write(new Uint8Array([2]));
      expect(fake.ports[1]!.written.map((c) => [...c])).toEqual([[2]]);
      // Back to 8N1 at 9600: another reopen; the same settings again change nothing.
      await link.reconfigure({ baudRate: 9600, dataBits: 8, parity: 'none' });
      await link.reconfigure({ baudRate: 9600 });
      expect(fake.ports).toHaveLength(3);
      expect(fake.ports[2]!.options).toMatchObject({
        baudRate: 9600,
        dataBits: 8,
        parity: 'none',
        stopBits: 1,
      });
      expect(link.info.baudRate).toBe(9600);
      await link.close();
      expect(fake.ports[2]!.isOpen).toBe(false);
      expect(events).toEqual(['close']);
    });

    it("changes the baud rate alone through the port's update() when it has one", async () => {
      const fake = fakeSerialPort({ updatable: true });
      const link = serial({ path: '/dev/ttyS1', baudRate: 300, loadSerialPort: async () => fake.module });
      await link.open();
      await link.reconfigure({ baudRate: 9600 });
      expect(fake.ports).toHaveLength(1);
      expect((fake.ports[0] as UpdatablePort).updates).toEqual([9600]);
      expect(link.info.baudRate).toBe(9600);
      // A rate the port refuses: LinkError, the link keeps the old rate and stays open.
      const error = await link.reconfigure({ baudRate: 1234 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LinkError);
      expect((error as Error).message).toContain('invalid baud');
      expect(link.info.baudRate).toBe(9600);
      expect(link.state).toBe('open');
      await link.close();
    });

    it('stores the settings for the next open when the link is not open, and validates them', async () => {
      const fake = fakeSerialPort();
      const link = serial({ path: '/dev/ttyS1', loadSerialPort: async () => fake.module });
      await link.reconfigure(line7e1);
      expect(link.info.baudRate).toBe(300);
      await link.open();
      expect(fake.ports[0]!.options).toMatchObject(line7e1);
      await expect(link.reconfigure({ dataBits: 9 as 8 })).rejects.toThrow(InvalidArgumentError);
      await expect(link.reconfigure({ baudRate: 0 })).rejects.toThrow(InvalidArgumentError);
      expect(link.info.baudRate).toBe(300);
      await link.close();
    });

    it('loses the link when the port cannot be reopened', async () => {
      const fake = fakeSerialPort({}, [null, new Error('Error: device busy')]);
      const link = serial({ path: '/dev/ttyS1', loadSerialPort: async () => fake.module });
      await link.open();
      const closed = nextEvent(link, 'close');
      const error = await link.reconfigure(line7e1).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LinkError);
      expect((error as Error).message).toContain('device busy');
      const [reported] = await closed;
      expect(reported).toBe(error);
      expect(link.state).toBe('closed');
    });
  });
});
