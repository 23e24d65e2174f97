/**
 * The topic table of the tunnel: builders for every topic and filter, and a parser.
 *
 * @module
 */

import { InvalidArgumentError } from '../../core/errors.js';
import { idProblem } from './ids.js';

/** Default root of every tunnel topic. */
export const defaultTunnelRoot = 'meterlink';

/** A tunnel topic, parsed by {@link TunnelTopics.parse}. */
export type ParsedTunnelTopic =
  | {
      /** A gateway's retained status or meta topic. */
      kind: 'status' | 'meta';
      /** The gateway. */
      gatewayId: string;
    }
  | {
      /** A port's request or push topic. */
      kind: 'req' | 'push';
      /** The gateway. */
      gatewayId: string;
      /** The port. */
      portId: string;
    }
  | {
      /** A head-end's response or status topic. */
      kind: 'res' | 'he-status';
      /** The head-end. */
      headEndId: string;
    };

/** Topic builders and parser bound to one root (see {@link tunnelTopics}). */
export interface TunnelTopics {
  /** The root, e.g. `meterlink`. */
  readonly root: string;
  /** `{root}/gw/{gatewayId}/status`: the gateway's retained status (and Last Will). */
  status(gatewayId: string): string;
  /** `{root}/gw/{gatewayId}/meta`: the gateway's retained port list. */
  meta(gatewayId: string): string;
  /** `{root}/gw/{gatewayId}/port/{portId}/req`: head-end → gateway envelopes. */
  req(gatewayId: string, portId: string): string;
  /** `{root}/gw/{gatewayId}/port/+/req`: what a gateway subscribes to. */
  reqFilter(gatewayId: string): string;
  /** `{root}/gw/{gatewayId}/port/{portId}/push`: meter bytes outside any lease. */
  push(gatewayId: string, portId: string): string;
  /**
   * Filter for pushes: `+` (the default) for any gateway or port; with `group`, the shared
   * subscription `$share/{group}/…` that delivers each push to one worker of the group.
   */
  pushFilter(gatewayId?: string, portId?: string, group?: string): string;
  /** `{root}/he/{headEndId}/res`: gateway → head-end envelopes. */
  res(headEndId: string): string;
  /** `{root}/he/{headEndId}/status`: the head-end's retained presence (cleared by its Last Will). */
  headEndStatus(headEndId: string): string;
  /** `{root}/he/+/status`: every head-end's presence (a gateway may watch its lease holders with it). */
  headEndStatusFilter(): string;
  /** Parses a topic of this root; `undefined` for anything else. */
  parse(topic: string): ParsedTunnelTopic | undefined;
}

/**
 * Topic builders and a parser for the tunnel's topic table under `root`.
 *
 * @param root - First topic level(s); may contain `/`, no wildcards, no leading `$`. Default `meterlink`.
 * @returns The builders.
 * @throws {@link InvalidArgumentError} when `root` or an id given to a builder is not a valid topic
 *   level (empty, over 255 UTF-8 octets, `/`, `+`, `#`, U+0000, leading `$`)
 * @example
 * ```ts
 * const topics = tunnelTopics();
 * topics.req('gw-7', 'p1'); // 'meterlink/gw/gw-7/port/p1/req'
 * topics.parse('meterlink/he/app-1/res'); // { kind: 'res', headEndId: 'app-1' }
 * ```
 */
export function tunnelTopics(root: string = defaultTunnelRoot): TunnelTopics {
  for (const level of root.split('/')) check(level, 'root level');
  const gw = (gatewayId: string): string => `${root}/gw/${check(gatewayId, 'gateway id')}`;
  const port = (gatewayId: string, portId: string): string =>
    `${gw(gatewayId)}/port/${check(portId, 'port id')}`;
  const he = (headEndId: string): string => `${root}/he/${check(headEndId, 'head-end id')}`;
  const depth = root.split('/').length;
  return {
    root,
    status: (gatewayId) => `${gw(gatewayId)}/status`,
    meta: (gatewayId) => `${gw(gatewayId)}/meta`,
    req: (gatewayId, portId) => `${port(gatewayId, portId)}/req`,
    reqFilter: (gatewayId) => `${gw(gatewayId)}/port/+/req`,
    push: (gatewayId, portId) => `${port(gatewayId, portId)}/push`,
    pushFilter(gatewayId = '+', portId = '+', group?: string) {
      const g = gatewayId === '+' ? '+' : check(gatewayId, 'gateway id');
      const p = portId === '+' ? '+' : check(portId, 'port id');
      const filter = `${root}/gw/${g}/port/${p}/push`;
      return group === undefined ? filter : `$share/${check(group, 'share group')}/${filter}`;
    },
    res: (headEndId) => `${he(headEndId)}/res`,
    headEndStatus: (headEndId) => `${he(headEndId)}/status`,
    headEndStatusFilter: () => `${root}/he/+/status`,
    parse: (topic) => parse(topic, root, depth),
  };
}

function parse(topic: string, root: string, depth: number): ParsedTunnelTopic | undefined {
  if (!topic.startsWith(`${root}/`)) return undefined;
  const levels = topic.split('/').slice(depth);
  if (levels.some((level) => idProblem(level, new TextEncoder().encode(level).length) !== undefined)) {
    return undefined;
  }
  const [scope, id, a, b, c] = levels;
  if (scope === 'gw' && id !== undefined) {
    if (levels.length === 3 && (a === 'status' || a === 'meta')) return { kind: a, gatewayId: id };
    if (levels.length === 5 && a === 'port' && b !== undefined && (c === 'req' || c === 'push')) {
      return { kind: c, gatewayId: id, portId: b };
    }
  }
  if (scope === 'he' && id !== undefined && levels.length === 3) {
    if (a === 'res') return { kind: 'res', headEndId: id };
    if (a === 'status') return { kind: 'he-status', headEndId: id };
  }
  return undefined;
}

function check(id: string, what: string): string {
  const problem = idProblem(id, new TextEncoder().encode(id).length);
  if (problem !== undefined) throw new InvalidArgumentError(`${what} ${JSON.stringify(id)} ${problem}`);
  return id;
}
