import test from 'ava';
import { createServiceIPController } from '../../../controllers/serviceip/index.js';

test('createServiceIPController › bad flags and options throw TypeError/RangeError naming them', (t) => {
  t.throws(() => createServiceIPController({ serviceClusterIPRange: '10.0.0.1/24' }), { instanceOf: TypeError, message: /--service-cluster-ip-range/ });
  t.throws(() => createServiceIPController({ serviceClusterIPRange: '10.0.0.0/24,10.1.0.0/24' }), { instanceOf: RangeError, message: /--service-cluster-ip-range/ });
  t.throws(() => createServiceIPController({ serviceClusterIPRange: '10.0.0.0/24', repairIntervalMs: 0 }), { instanceOf: RangeError, message: /repairIntervalMs/ });
  t.throws(() => createServiceIPController({ serviceClusterIPRange: '10.0.0.0/24', concurrency: 1.5 }), { instanceOf: RangeError, message: /--concurrent-serviceip-syncs/ });
  t.is(createServiceIPController({ serviceClusterIPRange: '10.0.0.0/24,fd00::/64' }).name, 'serviceip');
});
