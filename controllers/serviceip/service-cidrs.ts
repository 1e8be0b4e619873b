/**
 * What the serviceip controller reads of networking.k8s.io/v1 ServiceCIDR objects: their CIDRs
 * and whether new ClusterIPs may come from them. Pure. Ported behaviour:
 * pkg/registry/core/service/ipallocator/cidrallocator.go (`isReady`, and `syncAllocators`, which
 * takes a ServiceCIDR being deleted as not ready).
 */
import type { ServiceCIDRView } from '../../allocators/index.js';
import type { ServiceCIDR } from '../../api-types/networking.js';

/**
 * True when new IPs may come from the ServiceCIDR: not being deleted, and its Ready condition is
 * True or absent (upstream assumes a ServiceCIDR without one is ready, for clusters where
 * kube-controller-manager's ServiceCIDR controller does not run).
 */
export function isServiceCIDRReady(sc: ServiceCIDR): boolean {
  if (sc.metadata.deletionTimestamp) return false;
  const ready = sc.status?.conditions?.find((c) => c.type === 'Ready');
  return ready === undefined || ready.status === 'True';
}

/**
 * The views the ranges are synced from, oldest ServiceCIDR first (then by name), so ranges of
 * CIDRs added later are tried later by automatic allocation. kube-apiserver tries them in Go
 * map order, which is effectively random.
 */
export function serviceCIDRViews(list: readonly ServiceCIDR[]): ServiceCIDRView[] {
  const sorted = [...list].sort((a, b) => {
    const at = a.metadata.creationTimestamp ?? '';
    const bt = b.metadata.creationTimestamp ?? '';
    if (at !== bt) return at < bt ? -1 : 1;
    const an = a.metadata.name ?? '';
    const bn = b.metadata.name ?? '';
    return an < bn ? -1 : an > bn ? 1 : 0;
  });
  return sorted.map((sc) => ({ name: sc.metadata.name ?? '', cidrs: sc.spec?.cidrs ?? [], isReady: isServiceCIDRReady(sc) }));
}
