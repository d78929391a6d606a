import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { importSpecifiers, moduleClosure } from "./index.js";

const root = mkdtempSync(join(tmpdir(), "tactus-sources-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("module closure", () => {
  it("reads static, re-export, side-effect and dynamic imports, not type-only ones (erased)", () => {
    const code = [
      'import { a } from "./a.js";',
      "import {\n  b,\n  c,\n} from './b.js';",
      'export { d } from "./d.js";',
      'import "./side.js";',
      'const m = await import("./lazy.js");',
      'import * as fs from "node:fs";',
    ].join("\n");
    expect(importSpecifiers(code).sort()).toEqual(["./a.js", "./b.js", "./d.js", "./lazy.js", "./side.js", "node:fs"].sort());
  });

  it("follows relative imports transitively and stops at other components' entries", () => {
    const dir = join(root, "pkg");
    mkdirSync(join(dir, "sub"), { recursive: true });
    writeFileSync(join(dir, "a.js"), 'import { b } from "./b.js";\nimport { x } from "./sub/x.js";\n');
    writeFileSync(join(dir, "b.js"), 'export { c } from "./c.js";\n');
    writeFileSync(join(dir, "c.js"), "export const c = 1;\n");
    writeFileSync(join(dir, "sub", "x.js"), 'import "node:path";\nexport const x = 1;\n');
    writeFileSync(join(dir, "unrelated.js"), "export const u = 1;\n");
    const p = (f: string) => join(dir, f);
    expect(moduleClosure([p("a.js")])).toEqual([p("a.js"), p("b.js"), p("c.js"), p("sub/x.js")].sort());
    expect(moduleClosure([p("a.js")], { stopAt: new Set([p("b.js")]) })).toEqual([p("a.js"), p("sub/x.js")].sort());
  });
});
