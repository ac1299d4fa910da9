// Copyright 2026 the concurrent-futures authors. MIT license.
// Tests for lib/errors.ts, and the errors as they cross from a worker. Runtime-neutral.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  BrokenExecutor,
  BrokenProcessPool,
  BrokenThreadPool,
  CancelledError,
  InvalidStateError,
  ProcessPoolExecutor,
  SerializationError,
  ThreadPoolExecutor,
  TimeoutError,
} from "../mod.ts";
import { testdata } from "./_child.ts";

type ErrorClass = new (message?: string, options?: ErrorOptions) => Error;
const simple: [string, ErrorClass, ErrorClass][] = [
  ["CancelledError", CancelledError, Error],
  ["TimeoutError", TimeoutError, Error],
  ["InvalidStateError", InvalidStateError, Error],
  ["BrokenExecutor", BrokenExecutor, Error],
  ["BrokenThreadPool", BrokenThreadPool, BrokenExecutor],
  ["BrokenProcessPool", BrokenProcessPool, BrokenExecutor],
];

// A second, independently loaded copy of the module, as when a JSR and an npm copy meet. The
// specifier is built at run time so that compilers leave it alone (`.ts` here, `.js` when built).
const ext = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
const copy: typeof import("../lib/errors.ts") = await import(`../lib/errors${ext}?copy=2`);

describe("errors", () => {
  for (const [name, Class, Parent] of simple) {
    test(`${name} sets name, message and cause and extends ${Parent.name}`, () => {
      const cause = new Error("root");
      const error = new Class("boom", { cause });
      assert.equal(error.name, name);
      assert.equal(error.message, "boom");
      assert.equal(error.cause, cause);
      assert.ok(error instanceof Class);
      assert.ok(error instanceof Parent);
      assert.ok(error instanceof Error);
      assert.equal(String(error), `${name}: boom`);
      assert.match(error.stack ?? "", new RegExp(`^${name}: boom`));
    });

    test(`${name} works without arguments`, () => {
      const error = new Class();
      assert.equal(error.message, "");
      assert.equal(error.cause, undefined);
      assert.equal("cause" in error, false);
      assert.equal(String(error), name);
    });

    test(`${name} keeps instanceof across two copies of the package`, () => {
      const Foreign = (copy as unknown as Record<string, ErrorClass>)[name]!;
      assert.notEqual(Foreign, Class);
      const foreign = new Foreign("from the other copy");
      assert.ok(foreign instanceof Class);
      assert.ok(new Class() instanceof Foreign);
      assert.ok(foreign instanceof Parent);
    });
  }

  test("the brands are not enumerable", () => {
    const error = new BrokenThreadPool("x");
    assert.deepEqual(Object.keys(error), []);
    assert.deepEqual(
      Object.getOwnPropertySymbols(error).filter((s) =>
        Object.getOwnPropertyDescriptor(error, s)?.enumerable
      ),
      [],
    );
  });

  test("a BrokenThreadPool is a BrokenExecutor but not a BrokenProcessPool", () => {
    const thread = new BrokenThreadPool("x");
    const process = new BrokenProcessPool("y");
    assert.ok(thread instanceof BrokenExecutor);
    assert.ok(process instanceof BrokenExecutor);
    assert.equal(thread instanceof BrokenProcessPool, false);
    assert.equal(process instanceof BrokenThreadPool, false);
    assert.equal(new BrokenExecutor("z") instanceof BrokenThreadPool, false);
  });

  test("subclass checks also hold for instances from another copy", () => {
    assert.ok(new copy.BrokenThreadPool("x") instanceof BrokenExecutor);
    assert.equal(new copy.BrokenThreadPool("x") instanceof BrokenProcessPool, false);
    assert.equal(new copy.BrokenExecutor("x") instanceof BrokenThreadPool, false);
    assert.ok(new copy.SerializationError("x", { path: "fn" }) instanceof SerializationError);
    assert.equal(new copy.CancelledError() instanceof TimeoutError, false);
  });

  test("errors of different classes do not match each other", () => {
    const all = [...simple.map(([, Class]) => Class), SerializationError as unknown as ErrorClass];
    for (const A of all) {
      for (const B of all) {
        const a = A === (SerializationError as unknown)
          ? new SerializationError("m", { path: "p" })
          : new A();
        const expected = A === B ||
          (B === BrokenExecutor && (A === BrokenThreadPool || A === BrokenProcessPool));
        assert.equal(a instanceof B, expected, `${a.name} instanceof ${B.name}`);
      }
    }
  });

  test("plain values and plain errors are not instances", () => {
    for (
      const value of [undefined, null, 0, "", "CancelledError", {}, new Error("x"), new TypeError()]
    ) {
      assert.equal(value instanceof CancelledError, false);
      assert.equal(value instanceof BrokenExecutor, false);
      assert.equal(value instanceof SerializationError, false);
    }
  });

  test("an object carrying the brand counts as an instance (how a foreign copy is seen)", () => {
    const foreign = new Error("foreign");
    Object.defineProperty(foreign, Symbol.for("@concurrent/futures.error.BrokenExecutor"), {
      value: true,
    });
    assert.ok(foreign instanceof BrokenExecutor);
    assert.equal(foreign instanceof BrokenThreadPool, false);
  });

  test("a user subclass only matches its own instances", () => {
    class Custom extends CancelledError {}
    assert.ok(new Custom() instanceof Custom);
    assert.ok(new Custom() instanceof CancelledError);
    assert.equal(new CancelledError() instanceof Custom, false);
    assert.equal(new copy.CancelledError() instanceof Custom, false);
    assert.equal(new Custom().name, "CancelledError");
  });

  test("name can be overwritten on an instance", () => {
    const error = new TimeoutError("x");
    error.name = "Renamed";
    assert.equal(error.name, "Renamed");
    assert.equal(new TimeoutError().name, "TimeoutError");
  });

  test("SerializationError has a path, extends TypeError and keeps its cause", () => {
    const cause = new Error("DataCloneError");
    const error = new SerializationError("cannot send a function", {
      path: "args[1].onDone",
      cause,
    });
    assert.equal(error.name, "SerializationError");
    assert.equal(error.message, "cannot send a function");
    assert.equal(error.path, "args[1].onDone");
    assert.equal(error.cause, cause);
    assert.ok(error instanceof TypeError);
    assert.ok(error instanceof Error);
    assert.equal(String(error), "SerializationError: cannot send a function");
  });

  test("SerializationError without a cause has no cause property", () => {
    const error = new SerializationError("nope", { path: "fn" });
    assert.equal("cause" in error, false);
    assert.equal(error.path, "fn");
  });
});

describe("the library's errors thrown by a task", () => {
  const LIBRARY_ERRORS = testdata("library_errors");
  for (
    const [name, Pool] of [["thread", ThreadPoolExecutor], [
      "process",
      ProcessPoolExecutor,
    ]] as const
  ) {
    test(`${name} pool: a module that imports the package throws them; they arrive as their class`, async () => {
      const { throwLibraryError } = await import(LIBRARY_ERRORS.href) as {
        throwLibraryError: (kind: "timeout" | "state") => never;
      };
      await using pool = new Pool({ maxWorkers: 1, modules: [LIBRARY_ERRORS] });
      await assert.rejects(pool.submit(throwLibraryError, "timeout").result(), (error: unknown) => {
        assert.ok(error instanceof TimeoutError);
        assert.equal(error instanceof InvalidStateError, false);
        assert.equal((error as Error).name, "TimeoutError");
        assert.equal((error as Error).message, "took too long");
        assert.equal((error as Error).cause, "the clock");
        return true;
      });
      await assert.rejects(pool.submit(throwLibraryError, "state").result(), (error: unknown) => {
        assert.ok(error instanceof InvalidStateError);
        assert.equal((error as Error).message, "bad state");
        return true;
      });
    });
  }
});
