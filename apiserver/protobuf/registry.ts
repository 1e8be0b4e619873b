/**
 * Every protobuf message schema and request kind the server decodes, gathered from the per-group
 * tables. A message key defined twice is a programming error, reported at load.
 */
import * as apps from './apps.js';
import * as authorization from './authorization.js';
import * as coordination from './coordination.js';
import * as coreNodeEvent from './core-node-event.js';
import * as corePodVolumes from './core-pod-volumes.js';
import * as corePod from './core-pod.js';
import * as core from './core.js';
import * as discovery from './discovery.js';
import * as events from './events.js';
import * as meta from './meta.js';
import * as networking from './networking.js';
import * as policy from './policy.js';
import * as rbac from './rbac.js';
import type { KindTable, MessageSchema, MessageTable } from './schema.js';

const tables = [meta, core, corePod, corePodVolumes, coreNodeEvent, discovery, coordination, events, networking, apps, policy, rbac, authorization];

function mergeMessages(): MessageTable {
  const all: Record<string, MessageSchema> = {};
  for (const t of tables) {
    for (const [key, schema] of Object.entries(t.messages)) {
      if (key in all) throw new Error(`protobuf schema: message ${key} is defined twice`);
      all[key] = schema;
    }
  }
  return all;
}

function mergeKinds(): KindTable {
  const all: Record<string, Record<string, string>> = {};
  for (const t of tables) {
    for (const [apiVersion, byKind] of Object.entries(t.kinds)) {
      const into = (all[apiVersion] ??= {});
      for (const [kind, key] of Object.entries(byKind)) {
        if (kind in into && into[kind] !== key) throw new Error(`protobuf schema: kind ${apiVersion} ${kind} is mapped twice`);
        into[kind] = key;
      }
    }
  }
  return all;
}

/** Message key → schema, for every message of every table. */
export const ALL_MESSAGES: MessageTable = mergeMessages();

/** apiVersion → kind → message key, for the kinds a request body may carry. */
export const ALL_KINDS: KindTable = mergeKinds();
