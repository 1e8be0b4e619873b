import test from 'ava';
import fc from 'fast-check';
import type { EndpointAddress, EndpointSubset, Endpoints } from '../../../api-types/core.js';
import { repackSubsets } from '../../../apiserver/validation/index.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';
import { type Case, tableTest } from './table.js';

const addr = (ip: string, uid?: string): EndpointAddress => (uid ? { ip, targetRef: { kind: 'Pod', name: `p-${uid}`, namespace: 'default', uid } } : { ip });
const port = (name: string, p: number) => ({ name, port: p, protocol: 'TCP' as const });

// Ports and subsets have no meaningful order in Kubernetes (hash-ordered), so compare as sets.
function asSet(subsets: EndpointSubset[]): string[] {
  return subsets.map((ss) => JSON.stringify({
    addresses: ss.addresses ?? [], notReadyAddresses: ss.notReadyAddresses ?? [],
    ports: [...(ss.ports ?? [])].map((p) => JSON.stringify(p)).sort(),
  })).sort();
}

const repackCases: { name: string; input: EndpointSubset[]; want: EndpointSubset[] }[] = [
  { name: 'empty stays empty', input: [], want: [] },
  {
    name: 'merges subsets with identical addresses into one with all ports',
    input: [{ addresses: [addr('10.0.0.1', 'a')], ports: [port('http', 80)] }, { addresses: [addr('10.0.0.1', 'a')], ports: [port('https', 443)] }],
    want: [{ addresses: [addr('10.0.0.1', 'a')], ports: [port('http', 80), port('https', 443)] }],
  },
  {
    name: 'de-duplicates an address by IP and targetRef uid',
    input: [{ addresses: [addr('10.0.0.1', 'a'), addr('10.0.0.1', 'a')], ports: [port('http', 80)] }],
    want: [{ addresses: [addr('10.0.0.1', 'a')], ports: [port('http', 80)] }],
  },
  {
    name: 'keeps one IP with two uids as two addresses, the one without targetRef first',
    input: [{ addresses: [addr('10.0.0.1', 'b'), addr('10.0.0.1', 'a'), addr('10.0.0.1')], ports: [port('http', 80)] }],
    want: [{ addresses: [addr('10.0.0.1'), addr('10.0.0.1', 'a'), addr('10.0.0.1', 'b')], ports: [port('http', 80)] }],
  },
  {
    name: 'not ready wins over ready for the same address and port',
    input: [{ addresses: [addr('10.0.0.1', 'a')], ports: [port('http', 80)] }, { notReadyAddresses: [addr('10.0.0.1', 'a')], ports: [port('http', 80)] }],
    want: [{ notReadyAddresses: [addr('10.0.0.1', 'a')], ports: [port('http', 80)] }],
  },
  {
    name: 'a pod missing a port lands in its own subset for the port it has',
    input: [{ addresses: [addr('10.0.0.1', 'a'), addr('10.0.0.2', 'b')], ports: [port('http', 80)] }, { addresses: [addr('10.0.0.1', 'a')], ports: [port('metrics', 9090)] }],
    want: [
      { addresses: [addr('10.0.0.1', 'a'), addr('10.0.0.2', 'b')], ports: [port('http', 80)] },
      { addresses: [addr('10.0.0.1', 'a')], ports: [port('metrics', 9090)] },
    ],
  },
  {
    name: 'sorts addresses by IP bytewise',
    input: [{ addresses: [addr('10.0.0.2'), addr('10.0.0.10'), addr('10.0.0.1')], ports: [port('', 80)] }],
    want: [{ addresses: [addr('10.0.0.1'), addr('10.0.0.10'), addr('10.0.0.2')], ports: [port('', 80)] }],
  },
  {
    name: 'keeps addresses of a subset without ports (headless)',
    input: [{ addresses: [addr('10.0.0.1', 'a')] }],
    want: [{ addresses: [addr('10.0.0.1', 'a')] }],
  },
  {
    name: 'splits ready and not-ready addresses within one subset',
    input: [{ addresses: [addr('10.0.0.2', 'b')], notReadyAddresses: [addr('10.0.0.1', 'a')], ports: [port('http', 80)] }],
    want: [{ addresses: [addr('10.0.0.2', 'b')], notReadyAddresses: [addr('10.0.0.1', 'a')], ports: [port('http', 80)] }],
  },
];
for (const c of repackCases) {
  test(`endpoints repack › ${c.name}`, (t) => {
    const got = repackSubsets(deepFreeze(structuredClone(c.input)));
    t.deepEqual(asSet(got), asSet(c.want));
    for (const ss of got) {
      t.deepEqual(ss.addresses, ss.addresses && [...ss.addresses].sort((a, b) => Buffer.compare(Buffer.from(a.ip), Buffer.from(b.ip)) || (a.targetRef?.uid ?? '').localeCompare(b.targetRef?.uid ?? '')));
    }
  });
}

const arbAddress = fc.record({ ip: fc.constantFrom('10.0.0.1', '10.0.0.2', '10.0.0.10', 'fd00::1'), uid: fc.constantFrom(undefined, 'a', 'b') })
  .map(({ ip, uid }) => addr(ip, uid));
const arbSubset: fc.Arbitrary<EndpointSubset> = fc.record({
  addresses: fc.array(arbAddress, { maxLength: 3 }),
  notReadyAddresses: fc.array(arbAddress, { maxLength: 2 }),
  ports: fc.array(fc.constantFrom(port('http', 80), port('https', 443), port('dns', 53)), { maxLength: 2 }),
});

function facts(subsets: EndpointSubset[]): Map<string, boolean> {
  const m = new Map<string, boolean>();
  for (const ss of subsets) {
    for (const p of ss.ports?.length ? ss.ports : [undefined]) {
      const pk = p ? `${p.name}/${p.port}` : '-';
      for (const a of ss.addresses ?? []) { const k = `${pk} ${a.ip} ${a.targetRef?.uid ?? ''}`; if (!m.has(k)) m.set(k, true); }
      for (const a of ss.notReadyAddresses ?? []) m.set(`${pk} ${a.ip} ${a.targetRef?.uid ?? ''}`, false);
    }
  }
  return m;
}

test('endpoints repack › keeps every (port, address) with not-ready winning, and is idempotent', (t) => {
  t.notThrows(() => fc.assert(fc.property(fc.array(arbSubset, { maxLength: 4 }), (input) => {
    const once = repackSubsets(deepFreeze(structuredClone(input)));
    const hasAddrs = (ss: EndpointSubset) => (ss.addresses?.length ?? 0) + (ss.notReadyAddresses?.length ?? 0) > 0;
    // The address-only (portless) facts may merge into a group with ports, as upstream's sentinel
    // port does; so compare the per-port facts, and the addresses as a whole.
    const portFacts = (m: Map<string, boolean>) => JSON.stringify([...m].filter(([k]) => !k.startsWith('- ')).sort());
    const addresses = (ss: EndpointSubset[]) => JSON.stringify([...new Set(ss.flatMap((x) => [...(x.addresses ?? []), ...(x.notReadyAddresses ?? [])]).map((a) => `${a.ip} ${a.targetRef?.uid ?? ''}`))].sort());
    if (portFacts(facts(input.filter(hasAddrs))) !== portFacts(facts(once.filter(hasAddrs)))) return false;
    if (addresses(input) !== addresses(once)) return false;
    return JSON.stringify(repackSubsets(once)) === JSON.stringify(once);
  }), { numRuns: 1000 }));
});

const ep = (subsets: EndpointSubset[], name = 'web'): Endpoints => ({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace: 'default' }, subsets });
const v = (field: string) => ({ field, reason: 'FieldValueInvalid' });
const cases: Case[] = [
  { name: 'accepts ready and not-ready addresses with one unnamed port', obj: ep([{ addresses: [addr('10.0.0.1', 'a')], notReadyAddresses: [addr('10.0.0.2', 'b')], ports: [{ port: 80 }] }]), wantCauses: [] },
  { name: 'rejects a subset with ports but no addresses', obj: ep([{ ports: [{ port: 80 }] }]), wantCauses: [{ field: 'subsets[0]', reason: 'FieldValueRequired' }] },
  { name: 'rejects an address that is not an IP', obj: ep([{ addresses: [addr('10.0.0.256')], ports: [{ port: 80 }] }]), wantCauses: [v('subsets[0].addresses[0].ip')] },
  { name: 'rejects loopback, link-local and multicast addresses', obj: ep([{ addresses: [addr('127.0.0.1'), addr('169.254.1.1'), addr('224.0.0.5'), addr('fe80::1')], ports: [{ port: 80 }] }]), wantCauses: [v('subsets[0].addresses[0].ip'), v('subsets[0].addresses[1].ip'), v('subsets[0].addresses[2].ip'), v('subsets[0].addresses[3].ip')] },
  { name: 'rejects a bad hostname and nodeName', obj: ep([{ addresses: [{ ip: '10.0.0.1', hostname: 'A_B', nodeName: 'node_1' }], ports: [{ port: 80 }] }]), wantCauses: [v('subsets[0].addresses[0].hostname'), v('subsets[0].addresses[0].nodeName')] },
  { name: 'requires port names when there are several, and ports in range', obj: ep([{ addresses: [addr('10.0.0.1')], ports: [{ port: 70000 }, { port: 81 }] }]), wantCauses: [{ field: 'subsets[0].ports[0].name', reason: 'FieldValueRequired' }, { field: 'subsets[0].ports[1].name', reason: 'FieldValueRequired' }, v('subsets[0].ports[1].port')] },
  { name: 'rejects an unknown protocol (port 0 is dropped by the repack, as upstream)', obj: ep([{ addresses: [addr('10.0.0.1')], ports: [{ port: 0 }, { name: 'b', port: 81, protocol: 'ICMP' as 'TCP' }] }]), wantCauses: [{ field: 'subsets[0].ports[0].protocol', reason: 'FieldValueNotSupported' }] },
  { name: 'rejects a name that is not a DNS subdomain', obj: ep([], 'Web'), wantCauses: [v('metadata.name')] },
];
tableTest('endpoints validation', '', 'endpoints', cases);
