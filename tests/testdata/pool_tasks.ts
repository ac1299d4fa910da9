// Task functions submitted by reference (the pools list this module in `modules`).
import { existsSync, writeFileSync } from "node:fs";
import process from "node:process";
import { threadId } from "node:worker_threads";

/** Where this task ran: process id and thread id. */
export function whereAmI(): string {
  return `${process.pid}:${threadId}`;
}

export function add(a: number, b: number): number {
  return a + b;
}

export function pid(): number {
  return process.pid;
}

/** Uses a module import, so it can only go by reference. */
export function double(x: number): number {
  return helper(x) * 2;
}
function helper(x: number): number {
  return x;
}

export class ValidationError extends Error {
  override name = "ValidationError";
  field: string;
  constructor(message: string, field: string) {
    super(message);
    this.field = field;
  }
}

export function validate(value: string): string {
  if (value === "") throw new ValidationError("value is empty", "value");
  return value;
}

export function setup(value: string): void {
  // deno-lint-ignore no-explicit-any
  (globalThis as any).setupValue = value;
}

/** Holds its worker (synchronously) until `path` exists. */
export function waitForFile(path: string): string {
  const nap = new Int32Array(new SharedArrayBuffer(4));
  while (!existsSync(path)) Atomics.wait(nap, 0, 0, 5);
  return "released";
}

/** Creates `path` (the gate `waitForFile` waits for). */
export function createFile(path: string): string {
  writeFileSync(path, "");
  return "created";
}

// ── classes sent by reference (tests/class_reference_test.ts) ──────────────────────────────────

/** Counts its constructor's calls in this process or thread. */
export let pointsConstructed = 0;

export class Point {
  x: number;
  y: number;
  constructor(x: number, y: number) {
    pointsConstructed++;
    this.x = x;
    this.y = y;
  }
  norm(): number {
    return Math.hypot(this.x, this.y);
  }
}

/** How many Points were constructed in this worker. */
export function constructedHere(): number {
  return pointsConstructed;
}

export function makePoint(x: number, y: number): Point {
  return new Point(x, y);
}

/** Whether `p` is a Point here, and its norm. */
export function checkPoint(p: unknown): [boolean, number] {
  return [p instanceof Point, p instanceof Point ? p.norm() : NaN];
}

export class HttpError extends Error {
  status: number;
  constructor(status: number) {
    super(`HTTP ${status}`);
    this.name = "HttpError";
    this.status = status;
  }
  get retryable(): boolean {
    return this.status >= 500;
  }
}

export function fetchStatus(status: number): never {
  throw new HttpError(status);
}

/** A subclass of Map: crosses as its entries, with its prototype. */
export class Inventory extends Map<string, Point> {
  total(): number {
    let sum = 0;
    for (const p of this.values()) sum += p.norm();
    return sum;
  }
}
