import test from 'ava';
import { podQOSClass, quantityNanos } from '../../../apiserver/validation/quantity.js';

test('quantityNanos › decimal, binary and exponent forms read exactly, in units of 10^-9', (t) => {
  const cases: [string, bigint | undefined][] = [
    ['1', 1_000_000_000n], ['500m', 500_000_000n], ['0.5', 500_000_000n], ['.5', 500_000_000n], ['1.', 1_000_000_000n],
    ['1Ki', 1024n * 1_000_000_000n], ['1Gi', 1073741824n * 1_000_000_000n], ['1G', 10n ** 18n], ['1e3', 1000n * 1_000_000_000n],
    ['1E-3', 1_000_000n], ['1n', 1n], ['0.1n', 1n], ['-1', -1_000_000_000n], ['+2k', 2_000_000_000_000n], ['0', 0n],
    ['', undefined], ['1Gb', undefined], ['abc', undefined], ['1 Gi', undefined], ['1.5.5', undefined],
  ];
  for (const [text, want] of cases) t.is(quantityNanos(text), want, text);
  t.is(quantityNanos('128Mi'), quantityNanos('134217728'));
});

const c = (requests?: Record<string, string>, limits?: Record<string, string>) => ({ resources: { requests, limits } });

test('podQOSClass › BestEffort, Burstable and Guaranteed as ComputePodQOS decides', (t) => {
  t.is(podQOSClass([{}]), 'BestEffort');
  t.is(podQOSClass([c({ 'ephemeral-storage': '1Gi' }, { 'nvidia.com/gpu': '1' })]), 'BestEffort', 'only cpu and memory count');
  t.is(podQOSClass([c({ cpu: '0' })]), 'BestEffort', 'a zero request is no request');
  t.is(podQOSClass([c({ cpu: '100m' })]), 'Burstable');
  t.is(podQOSClass([c({ cpu: '1', memory: '1Gi' }, { cpu: '1', memory: '1Gi' })]), 'Guaranteed');
  t.is(podQOSClass([c({ cpu: '1000m', memory: '1024Mi' }, { cpu: '1', memory: '1Gi' })]), 'Guaranteed', 'equal quantities in other forms');
  t.is(podQOSClass([c({ cpu: '1', memory: '1Gi' }, { cpu: '2', memory: '1Gi' })]), 'Burstable');
  t.is(podQOSClass([c({ cpu: '1', memory: '1Gi' }, { cpu: '1', memory: '1Gi' }), c({ cpu: '1' }, { cpu: '1' })]), 'Burstable', 'a container without a memory limit');
});
