/**
 * Answers get, list and watch with a meta.k8s.io Table when the request negotiated one
 * (table-negotiation.ts), as kube-apiserver's transformResponseObject and watch encoder do
 * (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/response.go doTransformObject, asTable,
 * watchEmbeddedEncoder): a get is a one-row Table, a list a row per item with the list's
 * metadata, and each watch event's object a one-row Table whose column definitions only the
 * first event of the stream carries. A Status (an ERROR event) is never transformed. Ages are
 * computed on the server's clock (the store's), so tests drive them.
 */
import type { ServerResponse } from 'node:http';
import type { KubeList, KubeObject, Status, WatchEvent } from '../../api-types/meta.js';
import type { StoreClock } from '../clock.js';
import type { ResourceInfo } from '../resources.js';
import { listTable, objectTable, type IncludeObject } from '../tables/convert.js';
import type { WatchSink } from '../types.js';
import { sendJson } from './respond.js';
import { includeObjectFrom, type TableTarget } from './table-negotiation.js';

/** Answers a get with the object's Table; a bad `includeObject` is a 400, checked after the read as upstream. */
export function sendObjectTable(res: ServerResponse, clock: StoreClock, info: ResourceInfo, obj: KubeObject, target: TableTarget, q: URLSearchParams): void {
  const includeObject = includeObjectFrom(q);
  sendJson(res, 200, objectTable(info, obj, { groupVersion: target.groupVersion, includeObject, nowMs: clock.now().getTime() }));
}

/** Answers a list with its Table (resourceVersion, continue and remainingItemCount kept). */
export function sendListTable(res: ServerResponse, clock: StoreClock, info: ResourceInfo, list: KubeList, target: TableTarget, q: URLSearchParams): void {
  const includeObject = includeObjectFrom(q);
  sendJson(res, 200, listTable(info, list, { groupVersion: target.groupVersion, includeObject, nowMs: clock.now().getTime() }));
}

/** A watch's Table settings, read before the watch starts (a bad `includeObject` is a 400 then). */
export interface TableWatch {
  target: TableTarget;
  includeObject: IncludeObject;
}

/** The Table settings of a watch that negotiated a Table. */
export function tableWatchOf(target: TableTarget, q: URLSearchParams): TableWatch {
  return { target, includeObject: includeObjectFrom(q) };
}

/**
 * A WatchSink that hands `sink` each event with its object as a Table. Only the first event
 * carries columnDefinitions (kube-apiserver sets NoHeaders once anything was encoded, an ERROR
 * included); BOOKMARK objects are transformed too, as upstream encodes every event alike.
 */
export function tableWatchSink(sink: WatchSink, clock: StoreClock, info: ResourceInfo, watch: TableWatch): WatchSink {
  let isFirst = true;
  return {
    event(ev: WatchEvent): void {
      const noHeaders = !isFirst;
      isFirst = false;
      if ((ev.object as { kind?: string }).kind === 'Status') return sink.event(ev);
      const table = objectTable(info, ev.object as KubeObject, { groupVersion: watch.target.groupVersion, includeObject: watch.includeObject, noHeaders, nowMs: clock.now().getTime() });
      // The Table is typed as the event's object: the stream only serialises it.
      sink.event({ type: ev.type, object: table as unknown as KubeObject | Status });
    },
    end: () => sink.end(),
  };
}
