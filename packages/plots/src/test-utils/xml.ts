/** A tiny XML well-formedness check and element finder for the SVG tests (no DOM needed). */

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  /** Text directly inside the element (entities decoded). */
  text: string;
}

const ENTITY = /&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;

function decode(s: string): string {
  return s.replace(ENTITY, (_, e: string) =>
    e === "amp" ? "&" : e === "lt" ? "<" : e === "gt" ? ">" : e === "quot" ? '"' : e === "apos" ? "'" : String.fromCodePoint(Number(e.startsWith("#x") ? `0x${e.slice(2)}` : e.slice(1))),
  );
}

function checkText(s: string, where: string): void {
  if (s.includes("<") || s.includes(">")) throw new Error(`raw < or > in ${where}: ${s}`);
  if (s.replace(ENTITY, "").includes("&")) throw new Error(`bare & in ${where}: ${s}`);
}

/** Parses `xml`; throws on a mismatched or unclosed tag, bad attribute or bad entity. */
export function parseXml(xml: string): XmlElement[] {
  const elements: XmlElement[] = [];
  const stack: XmlElement[] = [];
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"]*")*)\s*(\/?)>/y;
  let i = 0;
  let roots = 0;
  while (i < xml.length) {
    const lt = xml.indexOf("<", i);
    const chunk = xml.slice(i, lt === -1 ? xml.length : lt);
    checkText(chunk, "text");
    if (stack.length > 0) stack[stack.length - 1]!.text += decode(chunk);
    else if (chunk.trim() !== "") throw new Error(`text outside the root: ${chunk}`);
    if (lt === -1) break;
    tag.lastIndex = lt;
    const m = tag.exec(xml);
    if (!m) throw new Error(`malformed tag at ${lt}: ${xml.slice(lt, lt + 60)}`);
    const [, close, name, rawAttrs, selfClose] = m;
    if (close) {
      const open = stack.pop();
      if (open?.name !== name) throw new Error(`</${name}> closes <${open?.name ?? "nothing"}>`);
    } else {
      const attrs: Record<string, string> = {};
      for (const a of rawAttrs!.matchAll(/([\w:-]+)="([^"]*)"/g)) {
        if (a[1]! in attrs) throw new Error(`duplicate attribute ${a[1]} on <${name}>`);
        checkText(a[2]!, `attribute ${a[1]}`);
        attrs[a[1]!] = decode(a[2]!);
      }
      const el = { name: name!, attrs, text: "" };
      if (stack.length === 0 && ++roots > 1) throw new Error("more than one root element");
      elements.push(el);
      if (!selfClose) stack.push(el);
    }
    i = tag.lastIndex;
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack[stack.length - 1]!.name}>`);
  if (roots !== 1) throw new Error("no root element");
  return elements;
}

/** Elements whose class list contains `cls`. */
export const withClass = (els: readonly XmlElement[], cls: string): XmlElement[] =>
  els.filter((e) => (e.attrs.class ?? "").split(/\s+/).includes(cls));
