import { test } from "node:test";
import assert from "node:assert/strict";
import {
  assertCloneable,
  decodeThrown,
  describeCloneFailure,
  encodeThrown,
  findUncloneable,
  type Transport,
} from "../lib/_serialize.ts";
import { SerializationError } from "../lib/errors.ts";

const TRANSPORTS: Transport[] = ["structured", "v8"];
const fn = () => 1;

class Foo {
  x = 1;
}
class MyArray extends Array {}
class ValidationError extends Error {
  override name = "ValidationError";
  field = "email";
  code = 422;
  callback = fn;
}
class HttpError extends TypeError {
  override name = "HttpError";
}

function cycle(): object {
  const a: Record<string, unknown> = { name: "a" };
  a.self = a;
  a.list = [a, { back: a }];
  return a;
}

function deep(depth: number): object {
  let node: Record<string, unknown> = { end: true };
  for (let i = 0; i < depth; i++) node = { next: node };
  return node;
}

function sparse(): unknown[] {
  const array: unknown[] = [1];
  array[100_000] = { last: true };
  return array;
}

function nullPrototype(): object {
  return Object.assign(Object.create(null), { a: 1, b: { c: [2] } });
}

// Values both transports carry (and a real structuredClone accepts).
const accepted: [string, () => unknown][] = [
  ["primitives", () => [1, "s", true, null, undefined, 10n, NaN, -0]],
  ["a Map with object keys and a Set", () => new Map<unknown, unknown>([[{ k: 1 }, new Set([1])]])],
  ["Date, RegExp and boxed primitives", () => [new Date(0), /x/g, new String("s"), Object(1n)]],
  ["typed arrays, DataView and ArrayBuffer", () => {
    const buffer = new ArrayBuffer(16);
    return [
      new Uint8Array(4),
      new Float64Array(2),
      new BigInt64Array(1),
      new DataView(buffer),
      buffer,
    ];
  }],
  ["a Buffer", () => (globalThis as { Buffer?: { from(s: string): unknown } }).Buffer?.from("ab")],
  ["errors of built-in and user classes", () => [
    new Error("e"),
    new TypeError("t", { cause: new RangeError("r", { cause: { code: 1 } }) }),
    new AggregateError([new Error("a")], "agg"),
    new ValidationError("bad"), // its function property is dropped by a clone, not refused
  ]],
  ["nested plain objects", () => ({ a: { b: { c: [{ d: "e" }] } }, "a-b": 1 })],
  ["cycles and shared references", () => {
    const shared = { s: 1 };
    return [cycle(), shared, shared];
  }],
  ["sparse arrays", () => [[1, , 3], sparse()]],
  ["null-prototype objects", nullPrototype],
  ["deep nesting", () => deep(200)],
  ["a large array of numbers", () => Array.from({ length: 200_000 }, (_, i) => i)],
  ["getters, which are read", () => ({
    get x() {
      return 1;
    },
  })],
  [
    "symbol-keyed and non-enumerable properties, which a clone drops",
    () => Object.defineProperty({ [Symbol("s")]: fn }, "hidden", { value: fn, enumerable: false }),
  ],
];

// Values only structured clone carries.
const threadsOnly: [string, () => unknown, string, string][] = [
  [
    "a SharedArrayBuffer",
    () => ({ buffer: new SharedArrayBuffer(8) }),
    "x.buffer",
    "is a SharedArrayBuffer",
  ],
  [
    "a typed array over a SharedArrayBuffer",
    () => [new Int32Array(new SharedArrayBuffer(8))],
    "x[0]",
    "is an Int32Array over a SharedArrayBuffer",
  ],
  ["a Blob", () => new Map([["blob", new Blob(["a"])]]), 'x.get("blob")', "is a Blob"],
  [
    "a DOMException",
    () => ({ e: new DOMException("m", "AbortError") }),
    "x.e",
    "is a DOMException",
  ],
];

for (const transport of TRANSPORTS) {
  for (const [what, make] of accepted) {
    test(`findUncloneable() accepts ${what} (${transport})`, () => {
      const value = make();
      assert.equal(findUncloneable(value, transport, "x"), undefined);
      assert.doesNotThrow(() => assertCloneable(value, transport, "x"));
      structuredClone(value);
    });
  }
}

for (const [what, make, path, reason] of threadsOnly) {
  test(`findUncloneable() accepts ${what} for threads, not for processes`, () => {
    const value = make();
    assert.equal(findUncloneable(value, "structured", "x"), undefined);
    structuredClone(value);
    assert.deepEqual(findUncloneable(value, "v8", "x"), {
      path,
      reason: `${reason}, which cannot be sent to a child process`,
    });
  });
}

const FUNCTION = "is a function, which cannot be cloned";

// Values neither transport carries: the value, its name, the expected path and reason.
const refused: [string, () => unknown, string, string, string][] = [
  ["a function argument", () => [1, { onDone: fn }], "args", "args[1].onDone", FUNCTION],
  [
    "a symbol in a result",
    () => ({ items: [1, 2, 3, Symbol("s")] }),
    "result",
    "result.items[3]",
    "is a symbol, which cannot be cloned",
  ],
  ["a function at the root", () => fn, "result", "result", FUNCTION],
  ["a class", () => ({ type: Foo }), "x", "x.type", "is a class, which cannot be cloned"],
  ["a non-identifier key", () => ({ "a-b": fn }), "x", 'x["a-b"]', FUNCTION],
  [
    "deep nesting",
    () => ({ a: { b: { c: [{ d: new WeakMap() }] } } }),
    "x",
    "x.a.b.c[0].d",
    "is a WeakMap, which cannot be cloned",
  ],
  ["a Map value under a string key", () => new Map([["k", fn]]), "x", 'x.get("k")', FUNCTION],
  [
    "a Map value under a number key",
    () => new Map<unknown, unknown>([[1, 1], [2, fn]]),
    "x",
    "x.get(2)",
    FUNCTION,
  ],
  [
    "a Map value under an object key",
    () => new Map<unknown, unknown>([[{}, 1], [{}, { f: fn }]]),
    "x",
    "x.get(<key 1>).f",
    FUNCTION,
  ],
  ["a Map key", () => new Map([[fn, 1]]), "x", "x.keys()[0]", FUNCTION],
  [
    "inside a Map key",
    () => new Map<unknown, unknown>([[1, 1], [{ f: fn }, 1]]),
    "x",
    "x.keys()[1].f",
    FUNCTION,
  ],
  ["a Set element", () => new Set([1, fn]), "x", "x.values()[1]", FUNCTION],
  ["an error's cause", () => new Error("e", { cause: { f: fn } }), "x", "x.cause.f", FUNCTION],
  [
    "an AggregateError's errors",
    () => new AggregateError([new Error("a"), fn]),
    "x",
    "x.errors[1]",
    FUNCTION,
  ],
  [
    "a Promise",
    () => [Promise.resolve(1)],
    "x",
    "x[0]",
    "is a Promise, which cannot be cloned; await it first",
  ],
  ["a WeakSet", () => [new WeakSet()], "x", "x[0]", "is a WeakSet, which cannot be cloned"],
  ["a WeakRef", () => ({ r: new WeakRef({}) }), "x", "x.r", "is a WeakRef, which cannot be cloned"],
  [
    "a FinalizationRegistry",
    () => ({ r: new FinalizationRegistry(() => {}) }),
    "x",
    "x.r",
    "is a FinalizationRegistry, which cannot be cloned",
  ],
  [
    "a class instance",
    () => [new Foo()],
    "x",
    "x[0]",
    "is a class instance (Foo) whose prototype would be lost",
  ],
  // Issue #16, item 6: these were "class instance (anonymous class)".
  [
    "a generator",
    () => ({
      g: (function* () {
        yield 1;
      })(),
    }),
    "x",
    "x.g",
    "is a generator, which cannot be cloned; return its values instead (`[...generator]`)",
  ],
  [
    "an async generator",
    () => [
      (async function* () {
        yield 1;
      })(),
    ],
    "x",
    "x[0]",
    "is an async generator, which cannot be cloned; collect its values with `for await` and " +
    "return those",
  ],
  [
    "an Array subclass",
    () => ({ a: MyArray.from([1]) }),
    "x",
    "x.a",
    "is a class instance (MyArray) whose prototype would be lost",
  ],
  [
    "a URL",
    () => ({ url: new URL("https://example.com") }),
    "x",
    "x.url",
    "is a URL, which cannot be cloned",
  ],
  [
    "a getter that throws",
    () => ({
      get bad() {
        throw new Error("boom");
      },
    }),
    "x",
    "x.bad",
    "could not be read (boom)",
  ],
  [
    "a function after many holes",
    () => {
      const array: unknown[] = [];
      array[50_000] = fn;
      return array;
    },
    "x",
    "x[50000]",
    FUNCTION,
  ],
  ["a function next to a cycle", () => Object.assign(cycle(), { f: fn }), "x", "x.f", FUNCTION],
  [
    "the first of two offenders",
    () => ({ a: [{ b: 1 }, { c: fn }], d: Symbol() }),
    "x",
    "x.a[1].c",
    FUNCTION,
  ],
  [
    "a null-prototype object's function",
    () => Object.assign(nullPrototype(), { z: fn }),
    "x",
    "x.z",
    FUNCTION,
  ],
  [
    "a symbol in a Set in a Map in an array",
    () => [new Map([["m", new Set([Symbol()])]])],
    "x",
    'x[0].get("m").values()[0]',
    "is a symbol, which cannot be cloned",
  ],
];

for (const transport of TRANSPORTS) {
  for (const [what, make, root, path, reason] of refused) {
    test(`findUncloneable() reports ${what} (${transport})`, () => {
      const value = make();
      assert.deepEqual(findUncloneable(value, transport, root), { path, reason });
      assert.throws(() => assertCloneable(value, transport, root), (error: unknown) => {
        assert.ok(error instanceof SerializationError);
        assert.equal(error.path, path);
        assert.equal(error.message, `${path} ${reason}`);
        return true;
      });
    });
  }
}

test("findUncloneable() refuses a MessagePort unless it is transferred", () => {
  const { port1, port2 } = new MessageChannel();
  try {
    assert.deepEqual(findUncloneable([{ port: port1 }], "structured", "args"), {
      path: "args[0].port",
      reason: "is a MessagePort, which cannot be cloned",
    });
    assert.equal(findUncloneable([{ port: port1 }], "structured", "args", [port1]), undefined);
  } finally {
    port1.close();
    port2.close();
  }
});

test("findUncloneable() renders Map keys of every primitive type", () => {
  const keys: [unknown, string][] = [
    [-0, "0"], // a Map makes -0 a 0
    [1.5, "1.5"],
    [2n, "2n"],
    [true, "true"],
    [null, "null"],
    [undefined, "undefined"],
  ];
  for (const [key, rendered] of keys) {
    assert.equal(
      findUncloneable(new Map([[key, fn]]), "structured", "m")?.path,
      `m.get(${rendered})`,
    );
  }
  // A symbol key is itself refused, at its position.
  assert.equal(findUncloneable(new Map([[Symbol("s"), 1]]), "v8", "m")?.path, "m.keys()[0]");
});

// Issue #16, item 1: a walk reads a proxy through its traps, as if it were its target, but no
// runtime's clone takes one (on Deno, a process pool's channel broke on it).
test("findUncloneable() refuses a proxy of anything, with its path", () => {
  const PROXY = "is a Proxy, which cannot be cloned";
  const object = new Proxy({ a: 1 }, {});
  const array = new Proxy([1, 2], {});
  for (const transport of ["structured", "v8"] as const) {
    assert.deepEqual(findUncloneable([1, object], transport, "args"), {
      path: "args[1]",
      reason: PROXY,
    });
    assert.deepEqual(findUncloneable(array, transport, "result"), {
      path: "result",
      reason: PROXY,
    });
    assert.equal(findUncloneable({ a: { b: array } }, transport, "x")?.path, "x.a.b");
    assert.equal(findUncloneable(new Map([["k", object]]), transport, "m")?.path, 'm.get("k")');
    assert.equal(findUncloneable(new Set([object]), transport, "s")?.path, "s.values()[0]");
    assert.equal(findUncloneable(new Proxy(fn, {}), transport, "f")?.reason, PROXY);
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    assert.deepEqual(findUncloneable([proxy], transport, "args"), {
      path: "args[0]",
      reason: PROXY,
    });
  }
});

test("findUncloneable() skips what is nested more than 1000 levels deep, not its siblings", () => {
  const at = (depth: number, leaf: unknown) => {
    let node: unknown = leaf;
    for (let i = 0; i < depth; i++) node = { next: node };
    return node;
  };
  assert.equal(findUncloneable(at(900, fn), "structured", "x")?.path, `x${".next".repeat(900)}`);
  assert.equal(findUncloneable(at(5000, fn), "structured", "x"), undefined);
  assert.deepEqual(findUncloneable([at(5000, 1), fn], "v8", "args"), {
    path: "args[1]",
    reason: FUNCTION,
  });
});

test("describeCloneFailure() names the offending value, or the whole value if none is found", () => {
  const runtimeError = new Error("boom");
  const found = describeCloneFailure([1, fn], "structured", "args", runtimeError);
  assert.ok(found instanceof SerializationError);
  assert.equal(found.path, "args[1]");
  assert.equal(found.cause, runtimeError);
  // Deeper than the walk goes: only the real clone finds the function.
  let deep: unknown = fn;
  for (let i = 0; i < 1500; i++) deep = { next: deep };
  let cloneError: unknown;
  try {
    structuredClone(deep);
  } catch (error) {
    cloneError = error;
  }
  assert.ok(cloneError !== undefined, "a function cannot be cloned");
  const whole = describeCloneFailure({ p: deep }, "structured", "result", cloneError);
  assert.equal(whole.path, "result");
  assert.equal(whole.cause, cloneError);
  assert.ok(whole.message.startsWith("result could not be cloned ("), whole.message);
});

// Encode in the worker, clone as the transport would, decode in the host.
function roundTrip(thrown: unknown, transport: Transport): unknown {
  const encoded = encodeThrown(thrown, transport);
  assert.equal(findUncloneable(encoded, transport, "encoded"), undefined);
  return decodeThrown(structuredClone(encoded));
}

const BUILT_INS = [Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError];

for (const transport of TRANSPORTS) {
  test(`encodeThrown() rebuilds built-in errors as themselves with the worker's stack (${transport})`, () => {
    for (const ctor of BUILT_INS) {
      const original = new ctor("went wrong");
      const decoded = roundTrip(original, transport) as Error;
      assert.equal(Object.getPrototypeOf(decoded), ctor.prototype);
      assert.equal(decoded.name, ctor.name);
      assert.equal(decoded.message, "went wrong");
      assert.equal(decoded.stack, original.stack);
      assert.equal(Object.keys(decoded).length, 0);
    }
  });

  test(`encodeThrown() keeps an AggregateError's errors (${transport})`, () => {
    const decoded = roundTrip(
      new AggregateError([new RangeError("a"), "b", fn], "many"),
      transport,
    );
    assert.ok(decoded instanceof AggregateError);
    assert.equal(decoded.message, "many");
    assert.equal(decoded.errors.length, 3);
    assert.ok(decoded.errors[0] instanceof RangeError);
    assert.equal(decoded.errors[0].message, "a");
    assert.equal(decoded.errors[1], "b");
    assert.ok(decoded.errors[2] instanceof SerializationError);
    assert.equal(decoded.errors[2].path, "error.errors[2]");
  });

  test(`encodeThrown() keeps a DOMException's name and code (${transport})`, () => {
    const decoded = roundTrip(new DOMException("stop", "AbortError"), transport);
    assert.ok(decoded instanceof DOMException);
    assert.equal(decoded.name, "AbortError");
    assert.equal(decoded.message, "stop");
    assert.equal(decoded.code, 20);
  });

  test(`encodeThrown() sends other classes as Error with their name and cloneable props (${transport})`, () => {
    const original = new ValidationError("bad email");
    const decoded = roundTrip(original, transport) as Error & Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(decoded), Error.prototype);
    assert.equal(decoded.name, "ValidationError");
    assert.equal(decoded.message, "bad email");
    assert.equal(decoded.stack, original.stack);
    assert.equal(decoded.field, "email");
    assert.equal(decoded.code, 422);
    assert.equal("callback" in decoded, false);
    const http = roundTrip(new HttpError("404"), transport);
    assert.ok(http instanceof TypeError, "the nearest built-in ancestor");
    assert.equal(http.name, "HttpError");
  });

  test(`encodeThrown() drops a property that cannot be read or sent, never the error (${transport})`, () => {
    const original = Object.assign(new Error("e"), {
      ok: [1],
      bad: new Proxy({}, {}),
      sym: Symbol(),
    });
    Object.defineProperty(original, "getter", {
      enumerable: true,
      get() {
        throw new Error("no");
      },
    });
    const decoded = roundTrip(original, transport) as Error & Record<string, unknown>;
    assert.deepEqual(Object.keys(decoded), ["ok"]);
    assert.deepEqual(decoded.ok, [1]);
  });

  test(`encodeThrown() keeps cause chains, including cycles (${transport})`, () => {
    const chain = roundTrip(
      new Error("a", { cause: new TypeError("b", { cause: { code: 1 } }) }),
      transport,
    ) as Error;
    assert.ok(chain.cause instanceof TypeError);
    assert.equal(chain.cause.message, "b");
    assert.deepEqual(chain.cause.cause, { code: 1 });
    assert.equal(Object.getOwnPropertyDescriptor(chain, "cause")?.enumerable, false);

    const a = new Error("a");
    const b = new RangeError("b", { cause: a });
    a.cause = b;
    const cyclic = roundTrip(a, transport) as Error;
    assert.ok(cyclic.cause instanceof RangeError);
    assert.equal((cyclic.cause as Error).cause, cyclic);

    const self = new Error("self");
    self.cause = self;
    const selfDecoded = roundTrip(self, transport) as Error;
    assert.equal(selfDecoded.cause, selfDecoded);

    const undefinedCause = roundTrip(new Error("u", { cause: undefined }), transport) as Error;
    assert.ok(Object.hasOwn(undefinedCause, "cause"));
    assert.equal(new Error("none").cause, undefined);
    assert.equal(Object.hasOwn(roundTrip(new Error("none"), transport) as Error, "cause"), false);
  });

  test(`encodeThrown() turns a cause that cannot be sent into a SerializationError (${transport})`, () => {
    const decoded = roundTrip(new Error("a", { cause: { f: fn } }), transport) as Error;
    assert.ok(decoded.cause instanceof SerializationError);
    assert.equal(decoded.cause.path, "error.cause.f");
  });

  test(`encodeThrown() rebuilds thrown non-errors exactly (${transport})`, () => {
    for (const value of ["x", 0, -0, NaN, undefined, null, 10n, true, { code: 1 }, [1, [2]]]) {
      const decoded = roundTrip(value, transport);
      if (typeof value === "object" && value !== null) assert.deepEqual(decoded, value);
      else assert.ok(Object.is(decoded, value), String(value));
    }
  });

  test(`encodeThrown() reports a thrown value that cannot be sent (${transport})`, () => {
    const cases: [unknown, string, string][] = [
      [fn, "error", "is a function"],
      [{ code: 1, callback: fn }, "error.callback", "is a function"],
      [new Proxy({}, {}), "error", "is a Proxy, which cannot be cloned"],
      [Symbol("s"), "error", "is a symbol"],
    ];
    for (const [thrown, path, fragment] of cases) {
      const decoded = roundTrip(thrown, transport);
      assert.ok(decoded instanceof SerializationError);
      assert.equal(decoded.path, path);
      assert.ok(decoded.message.includes("the task threw a value the worker could not send back"));
      assert.ok(decoded.message.includes(`${path} ${fragment}`), decoded.message);
    }
  });

  test(`encodeThrown() never throws, even for a revoked proxy (${transport})`, () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const decoded = roundTrip(proxy, transport);
    assert.ok(decoded instanceof SerializationError);
    assert.equal(decoded.path, "error");
  });
}

test("encodeThrown() refuses a SharedArrayBuffer property only for processes", () => {
  const original = Object.assign(new Error("e"), { shared: new SharedArrayBuffer(4) });
  assert.ok(Object.hasOwn(roundTrip(original, "structured") as Error, "shared"));
  assert.equal(Object.hasOwn(roundTrip(original, "v8") as Error, "shared"), false);
});
