/**
 * core/v1 Pod, the parts svcplane's controllers rely on: defaults (pkg/apis/core/v1/defaults.go
 * SetDefaults_Pod/PodSpec/Container/ContainerPort, plus PrepareForCreate's `phase: Pending`),
 * the basics of ValidatePodCreate and ValidatePodUpdate's "spec is immutable but images" rule.
 */
import type { Container, Pod } from '../../api-types/core.js';
import { ipProblem } from '../../allocators/ip.js';
import { type FieldCause, FieldPath, duplicate, forbidden, invalid, notSupported, required } from './field.js';
import { deepEqual } from '../deep-equal.js';
import { isRecord, records, str, validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { isDNS1123Label, isDNS1123Subdomain, isValidPortName, isValidPortNum, nameIsDNSSubdomain } from './names.js';
import { defaultProtocols, supportedProtocols } from './ports.js';
import { podQOSClass } from './quantity.js';

const restartPolicies = ['Always', 'Never', 'OnFailure'];
const dnsPolicies = ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'];
const phases = ['Failed', 'Pending', 'Running', 'Succeeded', 'Unknown'];

/** The message of a forbidden Pod spec change (pkg/apis/core/validation ValidatePodUpdate). */
export const podUpdateForbiddenMessage =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,' +
  '`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),' +
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

type PodSpec = NonNullable<Pod['spec']>;

function containersOf(list: unknown): Container[] {
  return records<Container>(list);
}

/** Fills in the Pod defaults that matter to readers of the spec and status. */
export function defaultPod(pod: Pod): void {
  pod.spec ??= { containers: [] };
  if (!isRecord(pod.spec)) return;
  const spec = pod.spec;
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.securityContext ??= {};
  spec.enableServiceLinks ??= true;
  const all = [...containersOf(spec.containers), ...containersOf(spec.initContainers)];
  for (const c of all) {
    if (!isRecord(c)) continue;
    defaultProtocols(c.ports);
    defaultRequestsFromLimits(c);
    c.terminationMessagePath ??= '/dev/termination-log';
    c.terminationMessagePolicy ??= 'File';
    if (c.imagePullPolicy === undefined && typeof c.image === 'string') {
      // An untagged or :latest image is pulled every time (SetDefaults_Container).
      const tail = c.image.slice(c.image.lastIndexOf('/') + 1);
      const untagged = !tail.includes(':') && !c.image.includes('@');
      c.imagePullPolicy = untagged || c.image.endsWith(':latest') ? 'Always' : 'IfNotPresent';
    }
  }
  pod.status ??= {};
  if (isRecord(pod.status)) {
    pod.status.phase ??= 'Pending';
    // Set at creation (podStrategy.PrepareForCreate) and immutable: an update keeps the stored
    // status, a status write without it gets it back (podStatusStrategy), both the same value.
    pod.status.qosClass ??= podQOSClass(all.filter(isRecord) as { resources?: { requests?: unknown; limits?: unknown } }[]);
  }
}

/**
 * SetDefaults_Pod: a container that limits a resource and does not request it requests its
 * limit (on Pods only, not on pod templates).
 */
function defaultRequestsFromLimits(c: Record<string, unknown>): void {
  const resources = c.resources;
  if (!isRecord(resources) || !isRecord(resources.limits)) return;
  const requests = isRecord(resources.requests) ? resources.requests : (resources.requests = {});
  for (const [name, value] of Object.entries(resources.limits)) {
    if (!(name in requests)) (requests as Record<string, unknown>)[name] = value;
  }
}

/** Validates a Pod on create or update, or its status (subresource 'status'). */
export function validatePod(pod: Pod, old: Pod | undefined, subresource?: 'status'): FieldCause[] {
  const errs: FieldCause[] = [];
  if (old) errs.push(...validateObjectMetaUpdate(pod.metadata, old.metadata));
  if (subresource === 'status') return [...errs, ...validatePodStatus(pod)];
  errs.push(...validateObjectMeta(pod.metadata, { namespaced: true, validateName: nameIsDNSSubdomain }));
  if (old) {
    errs.push(...validatePodSpecUpdate(pod.spec, old.spec));
    return errs;
  }
  errs.push(...validatePodSpec((isRecord(pod.spec) ? pod.spec : {}) as PodSpec));
  return errs;
}

function validatePodSpec(spec: PodSpec): FieldCause[] {
  const errs: FieldCause[] = [];
  const path = FieldPath.root('spec');
  const containers = containersOf(spec.containers);
  if (containers.length === 0) errs.push(required(path.child('containers')));
  const names = new Set<string>();
  const inits = containersOf(spec.initContainers);
  inits.forEach((c, i) => errs.push(...validateContainer(c, names, path.child('initContainers').index(i))));
  containers.forEach((c, i) => errs.push(...validateContainer(c, names, path.child('containers').index(i))));
  if (!spec.restartPolicy) errs.push(required(path.child('restartPolicy')));
  else if (!restartPolicies.includes(spec.restartPolicy)) errs.push(notSupported(path.child('restartPolicy'), spec.restartPolicy, restartPolicies));
  if (spec.dnsPolicy !== undefined && !dnsPolicies.includes(str(spec.dnsPolicy))) errs.push(notSupported(path.child('dnsPolicy'), spec.dnsPolicy, dnsPolicies));
  if (typeof spec.terminationGracePeriodSeconds === 'number' && spec.terminationGracePeriodSeconds < 0) {
    errs.push(invalid(path.child('terminationGracePeriodSeconds'), spec.terminationGracePeriodSeconds, 'must be greater than or equal to 0'));
  }
  if (spec.nodeName) for (const m of isDNS1123Subdomain(spec.nodeName)) errs.push(invalid(path.child('nodeName'), spec.nodeName, m));
  if (spec.hostname) for (const m of isDNS1123Label(spec.hostname)) errs.push(invalid(path.child('hostname'), spec.hostname, m));
  if (spec.subdomain) for (const m of isDNS1123Label(spec.subdomain)) errs.push(invalid(path.child('subdomain'), spec.subdomain, m));
  return errs;
}

function validateContainer(c: Container, names: Set<string>, path: FieldPath): FieldCause[] {
  const errs: FieldCause[] = [];
  const name = str(c?.name);
  if (name === '') errs.push(required(path.child('name')));
  else {
    for (const m of isDNS1123Label(name)) errs.push(invalid(path.child('name'), name, m));
    if (names.has(name)) errs.push(duplicate(path.child('name'), name));
    names.add(name);
  }
  if (!str(c?.image)) errs.push(required(path.child('image')));
  const portNames = new Set<string>();
  records<NonNullable<Container['ports']>[number]>(c.ports).forEach((port, i) => {
    const p = path.child('ports').index(i);
    const pn = str(port?.name);
    if (pn !== '') {
      const why = isValidPortName(pn);
      if (why.length > 0) for (const m of why) errs.push(invalid(p.child('name'), pn, m));
      else if (portNames.has(pn)) errs.push(duplicate(p.child('name'), pn));
      else portNames.add(pn);
    }
    if (!port?.containerPort) errs.push(required(p.child('containerPort')));
    else for (const m of isValidPortNum(port.containerPort)) errs.push(invalid(p.child('containerPort'), port.containerPort, m));
    if (port?.hostPort) for (const m of isValidPortNum(port.hostPort)) errs.push(invalid(p.child('hostPort'), port.hostPort, m));
    if (!port?.protocol) errs.push(required(p.child('protocol')));
    else if (!supportedProtocols.includes(port.protocol)) errs.push(notSupported(p.child('protocol'), port.protocol, supportedProtocols));
  });
  return errs;
}

/**
 * A Pod's spec is fixed after create except container images, activeDeadlineSeconds,
 * tolerations and terminationGracePeriodSeconds; svcplane also lets nodeName go from unset to
 * set once, standing in for the binding subresource the scheduler would use.
 * Upstream masks the mutable fields on copies of both specs and compares; this walks both specs
 * once, skipping those fields, so a write pays no copy (the hot path of every Pod update).
 */
function validatePodSpecUpdate(next: PodSpec | undefined, prev: PodSpec | undefined): FieldCause[] {
  // The store hands over the stored spec itself when the update left it equal.
  if (next === prev) return [];
  const n = (isRecord(next) ? next : {}) as Record<string, unknown>;
  const p = (isRecord(prev) ? prev : {}) as Record<string, unknown>;
  const errs: FieldCause[] = [];
  // Setting nodeName once is the binding; changing it afterwards is an ordinary spec change.
  const isBinding = !p.nodeName;
  if (isBinding && n.nodeName) for (const m of isDNS1123Subdomain(str(n.nodeName))) errs.push(invalid(FieldPath.root('spec', 'nodeName'), n.nodeName, m));
  for (const key of Object.keys(n)) {
    if (!isSameSpecField(n, p, key, isBinding)) return [...errs, forbidden(FieldPath.root('spec'), podUpdateForbiddenMessage)];
  }
  for (const key of Object.keys(p)) {
    if (!Object.prototype.hasOwnProperty.call(n, key) && !isSameSpecField(n, p, key, isBinding)) return [...errs, forbidden(FieldPath.root('spec'), podUpdateForbiddenMessage)];
  }
  return errs;
}

// Whether an update leaves spec member `key` as validatePodSpecUpdate allows (a function, not a
// closure: every Pod update runs it).
function isSameSpecField(n: Record<string, unknown>, p: Record<string, unknown>, key: string, isBinding: boolean): boolean {
  if (MUTABLE_SPEC_FIELDS.has(key) || (key === 'nodeName' && isBinding)) return true;
  if (key === 'containers' || key === 'initContainers') return containersEqualButImages(n[key], p[key]);
  return deepEqual(n[key], p[key]);
}

const MUTABLE_SPEC_FIELDS = new Set(['activeDeadlineSeconds', 'tolerations', 'terminationGracePeriodSeconds']);

// Two container lists are equal but for images when they are lists of the same length whose
// entries agree on every other member; lists of different lengths are compared whole.
function containersEqualButImages(next: unknown, prev: unknown): boolean {
  if (!Array.isArray(next) || !Array.isArray(prev) || next.length !== prev.length) return deepEqual(next, prev);
  for (let i = 0; i < next.length; i++) {
    const a: unknown = next[i];
    const b: unknown = prev[i];
    if (!isRecord(a) || !isRecord(b)) {
      if (!deepEqual(a, b)) return false;
      continue;
    }
    for (const key of Object.keys(a)) if (key !== 'image' && !deepEqual(a[key], b[key])) return false;
    for (const key of Object.keys(b)) if (key !== 'image' && !Object.prototype.hasOwnProperty.call(a, key) && b[key] !== undefined) return false;
  }
  return true;
}

function validatePodStatus(pod: Pod): FieldCause[] {
  const errs: FieldCause[] = [];
  const st = (isRecord(pod.status) ? pod.status : {}) as NonNullable<Pod['status']>;
  const path = FieldPath.root('status');
  if (st.phase !== undefined && !phases.includes(st.phase)) errs.push(notSupported(path.child('phase'), st.phase, phases));
  const ips = records<{ ip: string }>(st.podIPs);
  ips.forEach((entry, i) => {
    const ip = str(entry?.ip);
    const why = ipProblem(ip);
    if (why) errs.push(invalid(path.child('podIPs').index(i).child('ip'), ip, why));
  });
  if (ips.length > 2) errs.push(invalid(path.child('podIPs'), ips.map((e) => str(e?.ip)), 'may specify no more than one IP for each IP family'));
  return errs;
}
