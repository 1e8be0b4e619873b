/** core/v1 Node validation, the parts svcplane uses (pkg/apis/core/validation ValidateNode). */
import type { Node } from '../../api-types/core.js';
import { parseCIDR } from '../../allocators/ip.js';
import { type FieldCause, FieldPath, duplicate, invalid } from './field.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { pushCIDRCauses } from './ip-rules.js';
import { nameIsDNSSubdomain } from './names.js';

/** Validates a Node: a DNS-1123 subdomain name and spec.podCIDRs (valid, one per family, no duplicates). */
export function validateNode(node: Node, old: Node | undefined): FieldCause[] {
  const errs: FieldCause[] = [];
  if (old) errs.push(...validateObjectMetaUpdate(node.metadata, old.metadata));
  errs.push(...validateObjectMeta(node.metadata, { namespaced: false, validateName: nameIsDNSSubdomain }));
  const cidrs = Array.isArray(node.spec?.podCIDRs) ? node.spec.podCIDRs : [];
  const path = FieldPath.root('spec', 'podCIDRs');
  const allValid = pushCIDRCauses(errs, path, cidrs);
  if (cidrs.length > 1 && allValid) {
    const dual = cidrs.length === 2 && parseCIDR(cidrs[0]).family !== parseCIDR(cidrs[1]).family;
    if (!dual) errs.push(invalid(path, cidrs, 'may specify no more than one CIDR for each IP family'));
    const seen = new Set<string>();
    cidrs.forEach((c, i) => {
      if (seen.has(c)) errs.push(duplicate(path.index(i), c));
      seen.add(c);
    });
  }
  return errs;
}
