/** What the window's read-only debug hook says about the quality light (bench/call-quality.ts). */
export interface Reading {
  cost: { ms: number; reads: number; maxMs: number };
}
