import { test } from "node:test";
import assert from "node:assert/strict";
import { functionKey, functionSpec, ModuleRegistry } from "../lib/_function_source.ts";
import { WORKER_GLOBALS } from "../lib/_free_variables.ts";
import { SerializationError } from "../lib/errors.ts";
import { partial } from "../lib/partial.ts";
import { add, offset, pid } from "./testdata/math_tasks.ts";

// deno-lint-ignore no-explicit-any
type Fn = (...args: any[]) => any;

// Module-level bindings that refused functions close over.
const limit = 10;
let counter = 0;
const KEY = "key";
function factorial(n: number): number {
  return n <= 1 ? 1 : n * factorial(n - 1);
}

// Run what a worker would: evaluate the shipped expression, call it, drain generators.
async function runSpec(fn: Fn, args: unknown[]): Promise<unknown> {
  const spec = functionSpec(fn, "fn");
  assert.equal(spec.kind, "source");
  if (spec.kind !== "source") return undefined;
  const compiled = (0, eval)(`(${spec.source})`);
  assert.equal(typeof compiled, "function");
  const value = await compiled(...args);
  if (value && typeof value[Symbol.asyncIterator] === "function") {
    const items = [];
    for await (const item of value) items.push(item);
    return items;
  }
  if (value && typeof value.next === "function") return [...value];
  return value;
}

const accepted: [string, Fn, unknown[], unknown][] = [
  ["an arrow with an expression body", (x: number) => x + 1, [1], 2],
  [
    "an arrow with a block body and locals",
    (a: number, b: number) => {
      const sum = a + b;
      let twice = sum;
      twice *= 2;
      return twice;
    },
    [1, 2],
    6,
  ],
  [
    "a function expression",
    function (x: number) {
      return x * 3;
    },
    [2],
    6,
  ],
  ["a named function declaration calling itself", factorial, [5], 120],
  ["an async arrow", async (x: number) => await Promise.resolve(x + 1), [1], 2],
  [
    "an async function",
    async function (x: number) {
      await null;
      return x * 2;
    },
    [4],
    8,
  ],
  [
    "a generator function",
    function* (n: number) {
      for (let i = 0; i < n; i++) yield i;
    },
    [3],
    [0, 1, 2],
  ],
  [
    "an async generator function",
    async function* (n: number) {
      for (let i = 0; i < n; i++) yield await Promise.resolve(i * 10);
    },
    [2],
    [0, 10],
  ],
  [
    "standard globals",
    (xs: number[]) =>
      Math.max(...xs) + JSON.parse("1") + new Map([[1, 2]]).size +
      new URL("http://h/a/b").pathname.length +
      new TextEncoder().encode("ab").length + (typeof setTimeout === "function" ? 1 : 0) +
      (typeof structuredClone === "function" ? 1 : 0) + (typeof globalThis === "object" ? 1 : 0) +
      (typeof (globalThis as { Deno?: unknown }).Deno === "undefined" ? 0 : 0),
    [[1, 2]],
    2 + 1 + 1 +
    4 + 2 + 1 + 1 + 1,
  ],
  ["runtime globals", () => typeof process === "object" && typeof Buffer === "function", [], true],
  [
    "destructured parameters with defaults and rest",
    (
      { a, b: [c, d = 4] = [] }: { a: number; b?: number[] },
      ...rest: unknown[]
    ) => a + (c ?? 0) + d + rest.length,
    [{ a: 1, b: [2] }, "x", "y"],
    9,
  ],
  ["a default that uses an earlier parameter", (a: number, b = a * 2) => a + b, [3], 9],
  [
    "nested functions using outer parameters",
    (n: number) => {
      const plus = (x: number) => x + n;
      function twice(y: number): number {
        return plus(plus(y));
      }
      return twice(0);
    },
    [5],
    10,
  ],
  [
    "a function declaration used before it appears",
    (x: number) => {
      return helper(x);
      function helper(y: number) {
        return y + 1;
      }
    },
    [1],
    2,
  ],
  [
    "a var used outside its block",
    function (x: boolean) {
      if (x) {
        // deno-lint-ignore no-var no-inner-declarations
        var v = 1;
      }
      // @ts-ignore: var hoisting is the point
      return v;
    },
    [true],
    1,
  ],
  [
    "catch parameters, plain and destructured",
    (x: number) => {
      let plain = "";
      try {
        JSON.parse("{");
      } catch (e) {
        plain = e instanceof SyntaxError ? "s" : "?";
      }
      try {
        throw new Error(`e${x}`);
        // deno-lint-ignore no-explicit-any
      } catch ({ message }: any) {
        return plain + message;
      }
    },
    [1],
    "se1",
  ],
  [
    "parameters and locals that shadow outer names",
    (limit: number) => {
      const KEY = 2;
      {
        const counter = 3;
        limit += counter;
      }
      return limit * KEY;
    },
    [1],
    8,
  ],
  [
    "labels",
    (n: number) => {
      let count = 0;
      limit: for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          if (j > i) continue limit;
          count++;
        }
      }
      return count;
    },
    [3],
    6,
  ],
  [
    "arguments",
    function () {
      return arguments.length + (() => arguments[0])();
    },
    [10, 20],
    12,
  ],
  [
    "property keys and member names that look like outer names",
    (o: { limit: number }) => {
      const copy = { limit: o.limit, counter: 1, ["KEY".toLowerCase()]: 2 };
      return copy.limit + copy.counter + (copy.key as number);
    },
    [{ limit: 1 }],
    4,
  ],
  [
    "for, for-in and for-of heads",
    (xs: number[]) => {
      let s = 0;
      for (const x of xs) s += x;
      for (const k in { ab: 1 }) s += k.length;
      for (let i = 0; i < 2; i++) s += i;
      // deno-lint-ignore no-var no-inner-declarations
      for (var j = 0; j < 1; j++) s += 10;
      return s + j;
    },
    [[1, 2]],
    17,
  ],
  [
    "classes defined inside",
    (x: number) => {
      class Base {
        #v: number;
        static zero = 0;
        constructor(v: number) {
          this.#v = v + Base.zero;
        }
        get v() {
          return this.#v;
        }
      }
      class Derived extends Base {
        override get v() {
          return super.v * 2;
        }
      }
      return new Derived(x).v;
    },
    [4],
    8,
  ],
  [
    "this and new.target in a function",
    function (this: unknown) {
      return this === undefined && new.target === undefined;
    },
    [],
    true,
  ],
  [
    "destructuring assignment to locals",
    (o: { a: number; b?: number }) => {
      let a: number, b: number;
      ({ a, b = 2 } = o);
      [a, b] = [b, a];
      return a * 10 + b;
    },
    [{ a: 1 }],
    21,
  ],
  [
    "optional chaining, nullish and templates",
    (o?: { a?: { b?: number } }) => String.raw`${o?.a?.b ?? 3}!`,
    [{}],
    "3!",
  ],
  [
    "method shorthand",
    {
      double(x: number) {
        return x * 2;
      },
    }.double,
    [4],
    8,
  ],
  [
    "an async method",
    {
      async later(x: number) {
        return await Promise.resolve(x);
      },
    }.later,
    [5],
    5,
  ],
  [
    "a generator method",
    {
      *range(n: number) {
        for (let i = 0; i < n; i++) yield i;
      },
    }.range,
    [2],
    [0, 1],
  ],
  [
    "a method with a quoted key",
    {
      "my-method"(x: number) {
        return -x;
      },
    }["my-method"],
    [1],
    -1,
  ],
  [
    "a method with a numeric key",
    {
      42(x: number) {
        return x + 42;
      },
    }[42],
    [0],
    42,
  ],
  [
    "a method with a computed key",
    {
      [Symbol.iterator]() {
        return [1, 2][Symbol.iterator]();
      },
    }[Symbol.iterator],
    [],
    [1, 2],
  ],
  [
    "a method named like a keyword",
    {
      function(x: number) {
        return x;
      },
    }.function,
    [7],
    7,
  ],
  [
    "a static class method",
    class {
      static triple(x: number) {
        return 3 * x;
      }
    }.triple,
    [2],
    6,
  ],
];

for (const [what, fn, args, expected] of accepted) {
  test(`functionSpec() sends ${what} by source`, async () => {
    assert.deepEqual(await runSpec(fn, args), expected);
  });
}

test("functionSpec() accepts dynamic import() and import-free uses of meta properties", () => {
  assert.equal(functionSpec(async () => (await import("node:os")).EOL, "fn").kind, "source");
});

const refused: [string, Fn | (() => Fn), string[]][] = [
  ["a closure over a const", (x: number) => x < limit, ["`limit`"]],
  ["a closure over a module import", (x: number) => add(x, 1), ["`add`"]],
  ["a use of import.meta", () => import.meta.url, ["`import.meta`", "only exists in modules"]],
  ["a closure over the test's assert import", () => assert.ok(true), ["`assert`"]],
  ["a variable used only in a nested function", (x: number) => {
    const inner = () => limit + x;
    return inner();
  }, ["`limit`"]],
  ["a shorthand property", () => ({ limit }), ["`limit`"]],
  ["a default that uses an outer variable", (x = limit) => x, ["`limit`"]],
  ["a module-level function", (x: number) => factorial(x), ["`factorial`"]],
  ["an assignment to an outer variable", () => {
    counter++;
  }, ["`counter`"]],
  [
    "a method with a computed key from an outer variable",
    {
      [KEY](x: number) {
        return x;
      },
    }[KEY],
    ["`KEY`"],
  ],
  ["several outer variables", () => [limit, counter, KEY, factorial], [
    "uses `limit`, `counter`, `KEY` and 1 more from an enclosing scope",
    "pass them as arguments",
  ]],
  [
    "an arrow using the enclosing this",
    {
      make() {
        return () => this;
      },
    }.make(),
    ["`this`"],
  ],
  [
    "an arrow using the enclosing arguments",
    (function () {
      return () => arguments[0];
    })(),
    ["`arguments`"],
  ],
  [
    "a browser-only global",
    // @ts-ignore: `self` is not declared in every runtime's types, which is the point
    () => typeof self,
    [
      "`self`",
    ],
  ],
  // Issue #16, item 6: these passed the check, then failed in the worker with a SyntaxError.
  [
    "a method using a private name of its class",
    class {
      #count = 1;
      read() {
        return this.#count;
      }
    }.prototype.read,
    ["uses `#count`, a private name of its class", "only inside the class body"],
  ],
  [
    "a static method testing for a private name",
    class {
      #brand = true;
      static isOne(o: object) {
        return #brand in o;
      }
    }.isOne,
    ["uses `#brand`, a private name of its class"],
  ],
  ["a native function", Math.max, ["native function (max)"]],
  ["a bound function", add.bind(null, 1), ["is a bound function and cannot be sent to a worker"]],
  ["a class", class Point {} as unknown as Fn, ["is a class"]],
  [
    "a getter",
    Object.getOwnPropertyDescriptor({
      get x() {
        return 1;
      },
    }, "x")!.get!,
    ["is a getter"],
  ],
];

for (const [what, fn, fragments] of refused) {
  test(`functionSpec() refuses ${what}`, () => {
    for (const role of ["fn", "initializer"]) {
      assert.throws(() => functionSpec(fn, role), (error: unknown) => {
        assert.ok(error instanceof SerializationError);
        assert.equal(error.path, role);
        assert.ok(error.message.startsWith(`${role} `), error.message);
        for (const fragment of fragments) {
          assert.ok(error.message.includes(fragment), error.message);
        }
        return true;
      });
    }
  });
}

test("functionSpec() advises how to fix a closure", () => {
  assert.throws(() => functionSpec((x: number) => x < limit, "fn"), {
    name: "SerializationError",
    message: "fn uses `limit` from an enclosing scope; pass it as an argument, define it inside " +
      "the function, or export the function from a module listed in `modules`",
  });
});

test("functionSpec() returns the same spec for the same function and the same source", () => {
  const fn = (x: number) => x * 2;
  assert.equal(functionSpec(fn, "fn"), functionSpec(fn, "fn"));
  const make = () => (x: number) => x * 3;
  const [a, b] = [make(), make()];
  assert.notEqual(a, b);
  assert.equal(functionSpec(a, "fn"), functionSpec(b, "fn"));
  assert.notEqual(functionSpec(fn, "fn"), functionSpec(a, "fn"));
});

test("functionSpec() throws a fresh error each time for a refused function", () => {
  const fn = () => limit;
  let first: unknown;
  assert.throws(() => functionSpec(fn, "fn"), (error) => (first = error) !== undefined);
  assert.throws(() => functionSpec(fn, "fn"), (error) => error !== first);
});

test("ModuleRegistry sends exported functions by reference, checked before source", async () => {
  const url = new URL("./testdata/math_tasks.ts", import.meta.url);
  const registry = await ModuleRegistry.load([url]);
  assert.deepEqual(registry.urls, [url.href]);
  assert.deepEqual(functionSpec(add, "fn", registry), {
    kind: "module",
    url: url.href,
    name: "add",
  });
  assert.equal(functionSpec(add, "fn", registry), functionSpec(add, "fn", registry));
  // offset() uses a module constant: refused by source, fine by reference.
  assert.throws(() => functionSpec(offset, "fn"), SerializationError);
  const spec = functionSpec(offset, "initializer", registry);
  assert.equal(spec.kind, "module");
  for (const [fn, args, expected] of [[offset, [1], 11], [pid, [], pid()]] as const) {
    const ref = registry.lookup(fn)!;
    const module = await import(ref.url);
    assert.equal(module[ref.name](...args), expected);
  }
  assert.equal(registry.lookup(() => 1), undefined);
});

test("functionKey() tells apart every module URL and export name, and every source", () => {
  const keys = [
    functionKey({ kind: "module", url: "file:///m.ts", name: "x#y" }),
    functionKey({ kind: "module", url: "file:///m.ts#x", name: "y" }),
    functionKey({ kind: "module", url: "file:///m.ts", name: '","' }),
    functionKey({ kind: "module", url: 'file:///m.ts","', name: "" }),
    functionKey(functionSpec((x: number) => x, "fn")),
    functionKey(functionSpec((x: number) => x + 1, "fn")),
  ];
  assert.equal(new Set(keys).size, keys.length, keys.join(" "));
});

test("ModuleRegistry.load() resolves paths against the working directory and keeps URLs", async () => {
  const url = new URL("./testdata/math_tasks.ts", import.meta.url);
  const cwd = (globalThis as { process?: { cwd(): string } }).process!.cwd();
  const absolute = decodeURIComponent(url.pathname);
  const modules = [absolute, url.href];
  if (absolute.startsWith(`${cwd}/`)) modules.push(`./${absolute.slice(cwd.length + 1)}`);
  const registry = await ModuleRegistry.load(modules);
  assert.deepEqual(registry.urls, modules.map(() => url.href));
  assert.equal(functionSpec(add, "fn", registry).kind, "module");
});

test("ModuleRegistry.load() names a module that cannot be imported", async () => {
  const url = new URL("./testdata/math_tasks.ts", import.meta.url);
  await assert.rejects(ModuleRegistry.load([url, "./does_not_exist.ts"]), (error: unknown) => {
    assert.ok(error instanceof TypeError);
    assert.ok(
      error.message.startsWith('modules[1] ("./does_not_exist.ts") could not be imported: '),
      error.message,
    );
    assert.ok(error.cause !== undefined);
    return true;
  });
});

test("WORKER_GLOBALS are all defined here, but for runtime namespaces and recent additions", () => {
  const recent = [
    "Float16Array",
    "Iterator",
    "SuppressedError",
    "DisposableStack",
    "AsyncDisposableStack",
    "URLPattern",
    "WebSocket",
    "navigator",
  ];
  const g = globalThis as Record<string, unknown>;
  const missing = [...WORKER_GLOBALS].filter((name) =>
    name !== "Deno" && name !== "Bun" && name !== "undefined" && !recent.includes(name) &&
    g[name] === undefined
  );
  assert.deepEqual(missing, []);
});

// Issue #16, item 6: `a` was refused as a variable of an enclosing scope.
test("functionSpec() accepts names inside \`with\`, which its object may provide", async () => {
  const withBody = new Function("o", "with (o) { return a + b; }") as Fn;
  assert.equal(await runSpec(withBody, [{ a: 1, b: 2 }]), 3);
  const nested = new Function("o", "with (o) { const f = () => { { return a; } }; return f(); }");
  assert.equal(await runSpec(nested as Fn, [{ a: "a" }]), "a");
  // Outside the body, and in its object expression, names are what they always are.
  for (const [body, name] of [["with (o) { a; } return c;", "c"], ["with (d) { a; }", "d"]]) {
    assert.throws(() => functionSpec(new Function("o", body!), "fn"), {
      name: "SerializationError",
      message: new RegExp(`^fn uses \`${name}\` from an enclosing scope`),
    });
  }
  // `this` is never the object's.
  const arrow = (0, eval)("(function () { return (o) => { with (o) { return this; } }; })")();
  assert.throws(() => functionSpec(arrow, "fn"), { message: /uses `this`/ });
});

test("functionSpec() keeps a sloppy-mode function sloppy and makes the others strict", async () => {
  const sloppy = new Function("return 010 + (this === globalThis ? 1 : 0);") as Fn;
  assert.equal(await runSpec(sloppy, []), 9);
  assert.equal(
    await runSpec(function (this: unknown) {
      return this;
    }, []),
    undefined,
  );
});

test("functionSpec() refuses a partial(), which only the pools send (as its function and values)", () => {
  const p = partial((a: number, b: number) => a + b, 1);
  assert.throws(() => functionSpec(p, "fn"), {
    name: "SerializationError",
    path: "fn",
    message: "fn is a partial(), which this executor cannot send; submit its function (`.func`) " +
      "and pass the bound values (`.args`) as arguments",
  });
});
