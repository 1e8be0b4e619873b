/**
 * Protobuf schema of apps/v1 Deployment, the apps kind `kubectl create deployment` writes, and the
 * messages under it in apps/v1. The pod template is core.PodTemplateSpec, defined with the other
 * pod messages in core-pod.ts. The format is in schema.ts; the field numbers are Kubernetes'
 * (k8s.io/api/apps/v1).
 */
import type { KindTable, MessageTable } from './schema.js';

export const messages: MessageTable = {
  'apps.Deployment': { 1: ['metadata', 'meta.ObjectMeta'], 2: ['spec', 'apps.DeploymentSpec'], 3: ['status', 'apps.DeploymentStatus'] },
  'apps.DeploymentSpec': {
    1: ['replicas', '*int32'],
    2: ['selector', 'meta.LabelSelector'],
    3: ['template', 'core.PodTemplateSpec'],
    4: ['strategy', 'apps.DeploymentStrategy'],
    5: ['minReadySeconds', 'int32'],
    6: ['revisionHistoryLimit', '*int32'],
    7: ['paused', 'bool'],
    9: ['progressDeadlineSeconds', '*int32'],
  },
  'apps.DeploymentStrategy': { 1: ['type', 'string'], 2: ['rollingUpdate', 'apps.RollingUpdateDeployment'] },
  'apps.RollingUpdateDeployment': { 1: ['maxUnavailable', 'intstr.IntOrString'], 2: ['maxSurge', 'intstr.IntOrString'] },
  'apps.DeploymentStatus': {
    1: ['observedGeneration', 'int64'],
    2: ['replicas', 'int32'],
    3: ['updatedReplicas', 'int32'],
    4: ['availableReplicas', 'int32'],
    5: ['unavailableReplicas', 'int32'],
    6: ['conditions', '[]apps.DeploymentCondition'],
    7: ['readyReplicas', 'int32'],
    8: ['collisionCount', '*int32'],
    9: ['terminatingReplicas', '*int32'],
  },
  'apps.DeploymentCondition': {
    1: ['type', 'string'],
    2: ['status', 'string'],
    4: ['reason', 'string'],
    5: ['message', 'string'],
    6: ['lastUpdateTime', 'meta.Time'],
    7: ['lastTransitionTime', 'meta.Time'],
  },
};

export const kinds: KindTable = {
  'apps/v1': { Deployment: 'apps.Deployment' },
};
