// Copyright 2026 the concurrent-futures authors. MIT license.
// What a pool checks before it queues work: the modules whose exports go by reference, the
// initializer, each function and its arguments, and the transfer list. Runtime-neutral.

import { classLookup, followPath, locateClasses, restorePrototypes } from "./_classes.ts";
import { type FunctionSpec, functionSpec, type ModuleRegistry } from "./_function_source.ts";
import { partialOf } from "./_partial.ts";
import { holdSite, siteOf, type SubmitSite } from "./_submit_site.ts";
import {
  assertChunkCloneable,
  assertCloneable,
  describeCloneFailure,
  type Transport,
} from "./_serialize.ts";
import type { WorkItem } from "./_work_item.ts";
import type { Transferable } from "./runtime/types.ts";

/** The pool's side of admission: how values travel, and what is loaded before work is checked. */
export interface AdmissionPolicy {
  transport: Transport;
  initializer: ((...args: never[]) => unknown) | undefined;
  /** The initializer's arguments, checked at construction. */
  initargs: unknown[];
  /** Loads the modules whose exports go by reference; `undefined` when there are none. */
  registry: Promise<ModuleRegistry> | undefined;
}

/**
 * Admits work to a pool. Work is checked only once the modules listed in `modules` are loaded (a
 * function may be one of their exports); until then the pool queues it unchecked and checks it
 * when {@linkcode Admission.start} reports the set-up done.
 */
export class Admission {
  #policy: AdmissionPolicy;
  #registry: ModuleRegistry | undefined;
  #initializerSpec: FunctionSpec | undefined;
  #ready = false;
  #starting = false;
  /**
   * The last function admitted (not a partial) and how it travels: a loop submits the same one
   * again and again, and this spares it the lookups (its spec, its submit site) each time.
   */
  #last: { fn: unknown; spec: FunctionSpec; site: SubmitSite | undefined } | undefined;

  constructor(policy: AdmissionPolicy) {
    assertCloneable(policy.initargs, policy.transport, "initargs");
    this.#policy = policy;
    if (policy.registry === undefined) this.#prepare(undefined);
  }

  /** The modules are loaded and the initializer checked: work can be checked. */
  get ready(): boolean {
    return this.#ready;
  }

  /** The URLs of the modules whose exports go by reference, once loaded (workers import them). */
  get modules(): string[] | undefined {
    return this.#registry?.urls;
  }

  /** The initializer as it travels to each worker; set once ready. */
  get initializerSpec(): FunctionSpec | undefined {
    return this.#initializerSpec;
  }

  /**
   * Loads the modules (once), then checks the initializer: `onReady()` once work can be checked,
   * or `onFailure(what, cause)` when the pool cannot run.
   */
  start(
    onReady: () => void,
    onFailure: (what: "modules" | "initializer", cause: unknown) => void,
  ): void {
    if (this.#starting || this.#ready) return;
    this.#starting = true;
    this.#policy.registry!.then(
      (registry) => {
        try {
          this.#prepare(registry);
        } catch (error) {
          onFailure("initializer", error);
          return;
        }
        onReady();
      },
      (error) => onFailure("modules", error),
    );
  }

  /**
   * Resolves how the item's function travels and checks its arguments and transfer list, moving
   * the transferred values now. A failure settles only the item's future: returns false then.
   */
  admit(item: WorkItem): boolean {
    const classes = classLookup(this.#registry?.classes);
    try {
      const last = this.#last;
      const partial = last?.fn === item.fn ? undefined : partialOf(item.fn);
      if (last?.fn === item.fn) {
        item.spec = last.spec;
        item.site = last.site;
      } else if (partial === undefined) {
        const spec = item.spec = functionSpec(item.fn, "fn", this.#registry);
        item.site = siteOf(spec, item.fn);
        this.#last = { fn: item.fn, spec, site: item.site };
      } else {
        // partial(): the function crosses as itself; its bound values travel with the work.
        item.spec = functionSpec(partial.func, "fn.func", this.#registry);
        item.site = siteOf(item.spec, partial.func);
        assertCloneable(partial.args, this.#policy.transport, "fn.args", undefined, classes);
        item.bound = partial.args as unknown[];
      }
      if (item.transfer) this.#checkTransfer(item.transfer);
      if (item.kind === "task") {
        assertCloneable(item.payload, this.#policy.transport, "args", item.transfer, classes);
      } else {
        assertChunkCloneable(item.payload, item.kind, this.#policy.transport, classes);
      }
      if (classes !== undefined && classes.found.size > 0) item.classes = classes.found;
    } catch (error) {
      item.future.setException(error);
      return false;
    }
    return true;
  }

  /**
   * Work that will be admitted later, once the modules are loaded: its function's submit site is
   * captured now, while the stack is the caller's (`_submit_site.ts`).
   */
  hold(item: WorkItem): void {
    holdSite(partialOf(item.fn)?.func ?? item.fn);
  }

  /**
   * Moves the transfer list's buffers and ports now, into a private copy of the arguments that
   * the worker will get: the caller's buffers are detached when submitWith() returns, not later
   * when a worker takes the task, so nothing written to them afterwards can reach the task.
   */
  moveTransfers(item: WorkItem): boolean {
    if (!item.transfer || item.transfer.length === 0) return true;
    if (this.#policy.transport !== "structured") return true; // refused by admit()
    try {
      const transfer = item.transfer as never[]; // the runtime's own Transferable type
      // The copy is what is checked (before modules are loaded) and sent: with the originals'
      // classes, and their instances found again in it.
      const moved = structuredClone({ payload: item.payload, transfer }, { transfer });
      restorePrototypes(item.payload, moved.payload);
      if (item.classes !== undefined) {
        const entries = locateClasses(item.payload, item.classes, []);
        item.classes = new Map();
        for (const { p, url, name } of entries) {
          const copy = followPath(moved.payload, p);
          if (copy !== undefined) item.classes.set(copy, { url, name });
        }
      }
      item.payload = moved.payload;
      item.transfer = moved.transfer;
      return true;
    } catch (error) {
      item.future.setException(
        describeCloneFailure(item.payload, this.#policy.transport, "args", error),
      );
      return false;
    }
  }

  #checkTransfer(transfer: readonly Transferable[]): void {
    if (this.#policy.transport === "v8" && transfer.length > 0) {
      assertCloneable(transfer, "v8", "transfer");
      throw new TypeError("transfer lists are not supported by the process pool");
    }
  }

  #prepare(registry: ModuleRegistry | undefined): void {
    this.#registry = registry;
    const initializer = this.#policy.initializer;
    if (initializer) {
      const partial = partialOf(initializer);
      if (partial === undefined) {
        this.#initializerSpec = functionSpec(initializer, "initializer", registry);
      } else {
        // partial(): its bound values go before initargs (the policy's, which the pool sends).
        this.#initializerSpec = functionSpec(partial.func, "initializer.func", registry);
        assertCloneable(partial.args, this.#policy.transport, "initializer.args");
        this.#policy.initargs = [...partial.args, ...this.#policy.initargs];
      }
    }
    this.#ready = true;
  }
}
