import test from 'ava';
import { failedToCreateEndpoint, failedToUpdateEndpoint } from '../../../controllers/endpoints/events.js';

test('events › write failures use Kubernetes reasons and words', (t) => {
  t.deepEqual(failedToCreateEndpoint('default', 'web', new Error('boom')), {
    type: 'Warning', reason: 'FailedToCreateEndpoint', message: 'Failed to create endpoint for service default/web: boom',
  });
  t.deepEqual(failedToUpdateEndpoint('ns', 'svc', 'conflict'), {
    type: 'Warning', reason: 'FailedToUpdateEndpoint', message: 'Failed to update endpoint ns/svc: conflict',
  });
});
