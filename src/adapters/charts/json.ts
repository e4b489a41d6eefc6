/**
 * JSON-only value types. Chart.js configs built here must survive
 * `JSON.stringify` unchanged so the same object can be rendered in-process or
 * posted to a QuickChart server; typing them as JSON makes a stray callback or
 * `undefined` a compile error instead of a silently different remote chart.
 */
export type Json = string | number | boolean | null | readonly Json[] | JsonObject;
export interface JsonObject {
  readonly [key: string]: Json;
}

/** A Chart.js 4 configuration restricted to JSON. */
export interface ChartJsConfig {
  readonly type: string;
  readonly data: {
    readonly labels: readonly string[];
    readonly datasets: readonly JsonObject[];
  };
  readonly options: JsonObject;
}
