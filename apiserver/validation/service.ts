/**
 * Service defaulting and validation, after pkg/apis/core/v1/defaults.go (SetDefaults_Service),
 * pkg/registry/core/service/strategy.go (NormalizeClusterIPs) and
 * pkg/apis/core/validation/validation.go (ValidateService). Update preparation and the
 * update-only rules live in service-update.ts.
 *
 * svcplane allocates clusterIPs, ipFamilies, ipFamilyPolicy and nodePorts in controllers after
 * the create (docs/decisions/002-allocation-after-create.md), so a Service without them is valid
 * here and an update may fill them in once; what a user does give is checked as Kubernetes does.
 */
import type { ServicePort, ServiceSpec } from '../../api-types/core.js';
import { cidrProblem, ipProblem } from '../../allocators/ip.js';
import { type FieldCause, FieldPath, GoLiteral, duplicate, forbidden, invalid, notSupported, required } from './field.js';
import { type Svc, isExternallyAccessible, isHeadless, needsHealthCheck, portsOf, specOf, specPath } from './service-shape.js';
import { validateServiceUpdate } from './service-update.js';
import { isRecord, records, str, validateLabels, validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidPortName, isValidPortNum, nameIsDNS1035Label } from './names.js';
import { ipFamilyOf, ipProblemOf, validateNonSpecialIP } from './ip-rules.js';
import { supportedProtocols } from './ports.js';

const sessionAffinities = ['ClientIP', 'None'];
const serviceTypes = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const trafficPolicies = ['Cluster', 'Local'];
const ipFamilies = ['IPv4', 'IPv6'];
const ipFamilyPolicies = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
const trafficDistributions = ['PreferClose', 'PreferSameNode', 'PreferSameZone'];
const defaultClientIPTimeoutSeconds = 10800;
const maxClientIPTimeoutSeconds = 86400;

/**
 * Fills in SetDefaults_Service's defaults and, when only clusterIP is given, clusterIPs from it
 * (NormalizeClusterIPs). Allocated fields stay unset.
 */
export function defaultService(svc: Svc): void {
  svc.spec ??= {};
  if (!isRecord(svc.spec)) return;
  const s = svc.spec;
  s.sessionAffinity ||= 'None';
  if (s.sessionAffinity === 'None') delete s.sessionAffinityConfig;
  if (s.sessionAffinity === 'ClientIP') {
    const cfg = s.sessionAffinityConfig as { clientIP?: { timeoutSeconds?: number } } | undefined;
    if (cfg?.clientIP?.timeoutSeconds === undefined) {
      s.sessionAffinityConfig = { clientIP: { timeoutSeconds: defaultClientIPTimeoutSeconds } };
    }
  }
  s.type ||= 'ClusterIP';
  for (const p of portsOf(s)) {
    p.protocol ||= 'TCP';
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if (isExternallyAccessible(s) && !s.externalTrafficPolicy) s.externalTrafficPolicy = 'Cluster';
  if (s.internalTrafficPolicy === undefined && (s.type === 'ClusterIP' || s.type === 'NodePort' || s.type === 'LoadBalancer')) {
    s.internalTrafficPolicy = 'Cluster';
  }
  if (s.type === 'LoadBalancer' && s.allocateLoadBalancerNodePorts === undefined) s.allocateLoadBalancerNodePorts = true;
  // An old client sets only the singular field; a new one must set both (NormalizeClusterIPs
  // never derives the singular from the plural).
  if (s.clusterIP && (s.clusterIPs ?? []).length === 0) s.clusterIPs = [s.clusterIP];
}

/** Validates a Service on create (old undefined) or update, or its status (subresource 'status'). */
export function validateService(svc: Svc, old: Svc | undefined, subresource?: 'status'): FieldCause[] {
  const errs: FieldCause[] = [];
  if (old) errs.push(...validateObjectMetaUpdate(svc.metadata, old.metadata));
  if (subresource === 'status') return [...errs, ...validateLoadBalancerStatus(svc)];
  if (old) errs.push(...validateServiceUpdate(specOf(svc), specOf(old)));
  errs.push(...validateObjectMeta(svc.metadata, { namespaced: true, validateName: nameIsDNS1035Label }));
  errs.push(...validateServiceSpec(specOf(svc)));
  return errs;
}

function validateServiceSpec(s: ServiceSpec): FieldCause[] {
  const errs: FieldCause[] = [];
  const ports = portsOf(s);
  const headless = isHeadless(s);
  const portsPath = specPath.child('ports');
  if (ports.length === 0 && !headless && s.type !== 'ExternalName') errs.push(required(portsPath));
  errs.push(...validateTypeRules(s, headless));
  const names = new Set<string>();
  ports.forEach((p, i) => errs.push(...validateServicePort(p, ports.length > 1, names, portsPath.index(i))));
  if (s.selector !== undefined && s.selector !== null) errs.push(...validateLabels(s.selector, specPath.child('selector')));
  errs.push(...validateSessionAffinity(s));
  errs.push(...validateClusterIPsRelatedFields(s));
  (Array.isArray(s.externalIPs) ? (s.externalIPs as unknown[]) : []).forEach((ip, i) => {
    const p = specPath.child('externalIPs').index(i);
    const why = ipProblem(str(ip));
    errs.push(...(why ? [invalid(p, ip, why)] : validateNonSpecialIP(str(ip), p)));
  });
  if (!s.type) errs.push(required(specPath.child('type')));
  else if (!serviceTypes.includes(s.type)) errs.push(notSupported(specPath.child('type'), s.type, serviceTypes));
  if (s.type === 'ClusterIP') {
    ports.forEach((p, i) => {
      if (p.nodePort) errs.push(forbidden(portsPath.index(i).child('nodePort'), "may not be used when `type` is 'ClusterIP'"));
    });
  }
  const nodePorts = new Set<string>();
  const portKeys = new Set<string>();
  ports.forEach((p, i) => {
    if (p.nodePort) {
      const key = `${p.protocol}/${p.nodePort}`;
      if (nodePorts.has(key)) errs.push(duplicate(portsPath.index(i).child('nodePort'), p.nodePort));
      nodePorts.add(key);
    }
    const key = `${p.protocol}/${p.port}`;
    if (portKeys.has(key)) errs.push(duplicate(portsPath.index(i), servicePortKey(p)));
    portKeys.add(key);
  });
  errs.push(...validateLoadBalancerFields(s));
  errs.push(...validateTrafficPolicies(s));
  return errs;
}

// Upstream reports the (protocol, port) key as a core.ServicePort printed with %#v.
function servicePortKey(p: ServicePort): GoLiteral {
  return new GoLiteral(`core.ServicePort{Name:"", Protocol:${JSON.stringify(str(p.protocol))}, AppProtocol:(*string)(nil), Port:${Number(p.port) || 0}, ` +
    'TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}');
}

function validateTypeRules(s: ServiceSpec, headless: boolean): FieldCause[] {
  const errs: FieldCause[] = [];
  const first = specPath.child('clusterIPs').index(0);
  if (s.type === 'LoadBalancer' && headless) errs.push(invalid(first, 'None', "may not be set to 'None' for LoadBalancer services"));
  if (s.type === 'NodePort' && headless) errs.push(invalid(first, 'None', "may not be set to 'None' for NodePort services"));
  if (s.type === 'ExternalName') {
    if ((s.clusterIPs ?? []).length > 0) errs.push(forbidden(specPath.child('clusterIPs'), 'may not be set for ExternalName services'));
    if ((s.ipFamilies ?? []).length > 0) errs.push(forbidden(specPath.child('ipFamilies'), 'may not be set for ExternalName services'));
    if (s.ipFamilyPolicy !== undefined) errs.push(forbidden(specPath.child('ipFamilyPolicy'), 'may not be set for ExternalName services'));
    // A trailing dot marks the CNAME as fully qualified.
    const cname = str(s.externalName).replace(/\.$/, '');
    if (cname === '') errs.push(required(specPath.child('externalName')));
    else for (const m of isDNS1123Subdomain(cname)) errs.push(invalid(specPath.child('externalName'), cname, m));
  }
  return errs;
}

function validateServicePort(p: ServicePort, requireName: boolean, names: Set<string>, path: FieldPath): FieldCause[] {
  const errs: FieldCause[] = [];
  const name = str(p.name);
  if (requireName && name === '') errs.push(required(path.child('name')));
  else if (name !== '') {
    for (const m of isDNS1123Label(name)) errs.push(invalid(path.child('name'), name, m));
    if (names.has(name)) errs.push(duplicate(path.child('name'), name));
    else names.add(name);
  }
  for (const m of isValidPortNum(p.port)) errs.push(invalid(path.child('port'), p.port ?? 0, m));
  if (!p.protocol) errs.push(required(path.child('protocol')));
  else if (!supportedProtocols.includes(p.protocol)) errs.push(notSupported(path.child('protocol'), p.protocol, supportedProtocols));
  if (typeof p.targetPort === 'string') {
    for (const m of isValidPortName(p.targetPort)) errs.push(invalid(path.child('targetPort'), p.targetPort, m));
  } else {
    for (const m of isValidPortNum(p.targetPort)) errs.push(invalid(path.child('targetPort'), p.targetPort ?? 0, m));
  }
  // Kubernetes rejects an out-of-range nodePort in the allocator; svcplane has none in the server.
  if (p.nodePort !== undefined && p.nodePort !== 0) {
    for (const m of isValidPortNum(p.nodePort)) errs.push(invalid(path.child('nodePort'), p.nodePort, m));
  }
  if (p.appProtocol !== undefined) {
    for (const m of isQualifiedName(str(p.appProtocol))) errs.push(invalid(path.child('appProtocol'), p.appProtocol, m));
  }
  return errs;
}

function validateSessionAffinity(s: ServiceSpec): FieldCause[] {
  const errs: FieldCause[] = [];
  const path = specPath.child('sessionAffinity');
  if (!s.sessionAffinity) return [required(path)];
  if (!sessionAffinities.includes(s.sessionAffinity)) return [notSupported(path, s.sessionAffinity, sessionAffinities)];
  const cfgPath = specPath.child('sessionAffinityConfig');
  const cfg = s.sessionAffinityConfig as { clientIP?: { timeoutSeconds?: number } } | undefined;
  if (s.sessionAffinity === 'None') {
    if (cfg !== undefined && cfg !== null) errs.push(forbidden(cfgPath, 'must not be set when session affinity is None'));
    return errs;
  }
  const when = 'when session affinity type is ClientIP';
  if (!cfg) errs.push(required(cfgPath, when));
  else if (!cfg.clientIP) errs.push(required(cfgPath.child('clientIP'), when));
  else if (cfg.clientIP.timeoutSeconds === undefined) errs.push(required(cfgPath.child('clientIP', 'timeoutSeconds'), when));
  else if (!(cfg.clientIP.timeoutSeconds > 0 && cfg.clientIP.timeoutSeconds <= maxClientIPTimeoutSeconds)) {
    errs.push(invalid(cfgPath.child('clientIP', 'timeoutSeconds'), cfg.clientIP.timeoutSeconds,
      `must be greater than 0 and less than ${maxClientIPTimeoutSeconds}`));
  }
  return errs;
}

/** ValidateServiceClusterIPsRelatedFields, plus the family-policy checks Kubernetes makes at allocation. */
function validateClusterIPsRelatedFields(s: ServiceSpec): FieldCause[] {
  if (s.type === 'ExternalName') return [];
  const errs: FieldCause[] = [];
  const ipsPath = specPath.child('clusterIPs');
  const famPath = specPath.child('ipFamilies');
  const policyPath = specPath.child('ipFamilyPolicy');
  const ips = Array.isArray(s.clusterIPs) ? s.clusterIPs : [];
  const fams = Array.isArray(s.ipFamilies) ? s.ipFamilies : [];
  // 1. clusterIP and clusterIPs[0] agree.
  if (s.clusterIP) {
    if (ips.length === 0) errs.push(required(ipsPath));
    else if (ips[0] !== s.clusterIP) errs.push(invalid(ipsPath, ips, 'first value must match `clusterIP`'));
  } else if (ips.length !== 0) {
    errs.push(invalid(ipsPath, ips, 'must be empty when `clusterIP` is not specified'));
  }
  // 2. Families and policy on their own.
  const seen = new Set<string>();
  fams.forEach((f, i) => {
    if (!ipFamilies.includes(f)) errs.push(notSupported(famPath.index(i), f, ipFamilies));
    if (seen.has(f)) errs.push(duplicate(famPath.index(i), f));
    seen.add(f);
  });
  if (s.ipFamilyPolicy !== undefined && !ipFamilyPolicies.includes(s.ipFamilyPolicy)) {
    errs.push(notSupported(policyPath, s.ipFamilyPolicy, ipFamilyPolicies));
  }
  // 3. Each IP is a strict IP; "None" only alone and first.
  let hasInvalidIPs = false;
  ips.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (ips.length > 1) {
        hasInvalidIPs = true;
        errs.push(invalid(ipsPath, ips, "'None' must be the first and only value"));
      }
      return;
    }
    const why = ipProblemOf(str(ip));
    if (why) {
      hasInvalidIPs = true;
      errs.push(invalid(ipsPath.index(i), ip, why));
    }
  });
  if (ips.length > 2) errs.push(invalid(ipsPath, ips, 'may only hold up to 2 values'));
  if (hasInvalidIPs) return errs;
  // 4. Two IPs are one of each family; each IP matches its stated family.
  const families = new Set(ips.map((ip) => ipFamilyOf(ip)));
  if (ips.length > 1 && !(families.has('IPv4') && families.has('IPv6'))) {
    errs.push(invalid(ipsPath, ips, 'may specify no more than one IP for each IP family'));
  }
  if (!isHeadless(s)) {
    ips.forEach((ip, i) => {
      if (i >= fams.length) return;
      if (fams[i] === 'IPv4' && ipFamilyOf(ip) === 'IPv6') errs.push(invalid(ipsPath.index(i), ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``));
      if (fams[i] === 'IPv6' && ipFamilyOf(ip) !== 'IPv6') errs.push(invalid(ipsPath.index(i), ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``));
    });
  }
  // 5. SingleStack holds one IP and one family (pkg/registry/core/service/storage/alloc.go initIPFamilyFields).
  if (s.ipFamilyPolicy === 'SingleStack') {
    if (ips.length > 1) errs.push(invalid(policyPath, s.ipFamilyPolicy, "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified"));
    if (fams.length > 1) errs.push(invalid(policyPath, s.ipFamilyPolicy, "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified"));
  }
  return errs;
}

function validateLoadBalancerFields(s: ServiceSpec): FieldCause[] {
  const errs: FieldCause[] = [];
  const isLB = s.type === 'LoadBalancer';
  const onlyLB = "may only be used when `type` is 'LoadBalancer'";
  const ranges = Array.isArray(s.loadBalancerSourceRanges) ? (s.loadBalancerSourceRanges as unknown[]) : [];
  if (ranges.length > 0) {
    // Kubernetes' own capitalisation of this path.
    const p = specPath.child('LoadBalancerSourceRanges');
    if (!isLB) errs.push(forbidden(p, onlyLB));
    ranges.forEach((r, i) => {
      const value = str(r).trim();
      const why = cidrProblem(value);
      if (why) errs.push(invalid(p.index(i), value, why));
    });
  }
  if (s.allocateLoadBalancerNodePorts !== undefined && !isLB) errs.push(forbidden(specPath.child('allocateLoadBalancerNodePorts'), onlyLB));
  // Upstream reports this one without the `spec.` prefix.
  if (isLB && s.allocateLoadBalancerNodePorts === undefined) errs.push(required(FieldPath.root('allocateLoadBalancerNodePorts')));
  if (s.loadBalancerClass !== undefined && s.loadBalancerClass !== null) {
    const p = specPath.child('loadBalancerClass');
    if (!isLB) errs.push(forbidden(p, onlyLB));
    else for (const m of isQualifiedName(str(s.loadBalancerClass))) errs.push(invalid(p, s.loadBalancerClass, m));
  }
  return errs;
}

function validateTrafficPolicies(s: ServiceSpec): FieldCause[] {
  const errs: FieldCause[] = [];
  const etp = specPath.child('externalTrafficPolicy');
  if (!isExternallyAccessible(s)) {
    if (s.externalTrafficPolicy) errs.push(invalid(etp, s.externalTrafficPolicy, 'may only be set for externally-accessible services'));
  } else if (!s.externalTrafficPolicy) {
    errs.push(required(etp));
  } else if (!trafficPolicies.includes(s.externalTrafficPolicy)) {
    errs.push(notSupported(etp, s.externalTrafficPolicy, trafficPolicies));
  }
  const hc = specPath.child('healthCheckNodePort');
  if (!needsHealthCheck(s)) {
    if (s.healthCheckNodePort) {
      errs.push(invalid(hc, s.healthCheckNodePort, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
    }
  } else if (s.healthCheckNodePort) {
    // Kubernetes requires it here (its REST layer has allocated it); svcplane's controller sets it later.
    for (const m of isValidPortNum(s.healthCheckNodePort)) errs.push(invalid(hc, s.healthCheckNodePort, m));
  }
  const itp = specPath.child('internalTrafficPolicy');
  if (s.internalTrafficPolicy === undefined) {
    if (s.type === 'ClusterIP' || s.type === 'NodePort' || s.type === 'LoadBalancer') errs.push(required(itp));
  } else if (!trafficPolicies.includes(s.internalTrafficPolicy)) {
    errs.push(notSupported(itp, s.internalTrafficPolicy, trafficPolicies));
  }
  if (s.trafficDistribution !== undefined && s.trafficDistribution !== null && !trafficDistributions.includes(s.trafficDistribution)) {
    errs.push(notSupported(specPath.child('trafficDistribution'), s.trafficDistribution, trafficDistributions));
  }
  return errs;
}

function validateLoadBalancerStatus(svc: Svc): FieldCause[] {
  const lb = (svc.status?.loadBalancer ?? {}) as { ingress?: { ip?: string; hostname?: string }[] };
  const errs: FieldCause[] = [];
  records<{ ip?: string; hostname?: string }>(lb.ingress).forEach((ing, i) => {
    const p = FieldPath.root('status', 'loadBalancer', 'ingress').index(i);
    if (ing.ip) {
      const why = ipProblem(ing.ip);
      if (why) errs.push(invalid(p.child('ip'), ing.ip, why));
    }
    if (ing.hostname) {
      for (const m of isDNS1123Subdomain(ing.hostname)) errs.push(invalid(p.child('hostname'), ing.hostname, m));
      if (ipProblem(ing.hostname) === undefined) errs.push(invalid(p.child('hostname'), ing.hostname, 'must be a DNS name, not an IP address'));
    }
  });
  return errs;
}
