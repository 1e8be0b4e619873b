/**
 * The meta.k8s.io Table wire shape (apimachinery pkg/apis/meta/v1/types.go: Table,
 * TableColumnDefinition, TableRow, TableRowCondition) and the contract of one kind's printer,
 * as kube-apiserver's TableConvertors fill it (k8s.io/kubernetes pkg/printers/tablegenerator.go).
 */
import type { KubeObject, ListMeta } from '../../api-types/meta.js';

/** One column of a Table. Every member is always sent (none is omitempty upstream). */
export interface TableColumnDefinition {
  name: string;
  /** An OpenAPI type: `string`, `integer`, `number`, `boolean` or `date`. */
  type: string;
  /** An OpenAPI format; `name` marks the column holding the object's name. */
  format: string;
  description: string;
  /** 0 for the default view; 1 for columns kubectl shows only with `-o wide`. */
  priority: number;
}

/** A cell: a string, an integer or a boolean, as the printer produced it. */
export type TableCell = string | number | boolean;

/** A condition on a row (`Completed` for finished pods). */
export interface TableRowCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/** One row: its cells, optional conditions, and the object per `includeObject` (null for None). */
export interface TableRow {
  cells: TableCell[];
  conditions?: TableRowCondition[];
  object: unknown;
}

/** A Table answer, `meta.k8s.io/v1` or `v1beta1`. */
export interface Table {
  kind: 'Table';
  apiVersion: string;
  metadata: ListMeta;
  /** null when the headers were left out (every watch event after the first). */
  columnDefinitions: TableColumnDefinition[] | null;
  /** null only from the default convertor over an empty list, as upstream's nil slice encodes. */
  rows: TableRow[] | null;
}

/** What a printer makes of one object: the cells of every column (wide ones too) and conditions. */
export interface PrintedRow {
  cells: TableCell[];
  conditions?: TableRowCondition[];
}

/**
 * The printer of one kind (a TableHandler in kube-apiserver): its columns, and the row of an
 * object at `nowMs` (Age and other durations are computed by the server, as strings).
 */
export interface TablePrinter {
  readonly columns: readonly TableColumnDefinition[];
  print(obj: KubeObject, nowMs: number): PrintedRow;
}
