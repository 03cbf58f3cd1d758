/**
 * The little XML S3 speaks. Rendering: a nested object becomes elements in key order, an array repeats
 * its element, undefined is left out. Parsing: request bodies (CompleteMultipartUpload, Delete,
 * LifecycleConfiguration, CreateBucketConfiguration) are plain element trees without mixed content,
 * so a small strict parser is enough; anything it cannot read is MalformedXML, as on AWS.
 */
export type XmlValue = string | number | boolean | undefined | XmlFields | XmlValue[];
export interface XmlFields {
  [name: string]: XmlValue;
}

export interface XmlElement {
  name: string;
  text: string;
  children: XmlElement[];
}

const S3_NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/";

export function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => `&${{ "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "apos" }[c]};`,
  );
}

function render(name: string, value: XmlValue): string {
  if (value === undefined) return "";
  if (Array.isArray(value)) return value.map((item) => render(name, item)).join("");
  if (typeof value === "object") {
    const inner = Object.entries(value)
      .map(([child, v]) => render(child, v))
      .join("");
    return `<${name}>${inner}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** A whole response body; `namespaced` adds the S3 namespace as AWS does on result documents. */
export function xmlDocument(root: string, fields: XmlFields, namespaced = false): string {
  const open = namespaced ? `<${root} xmlns="${S3_NAMESPACE}">` : `<${root}>`;
  const inner = Object.entries(fields)
    .map(([name, v]) => render(name, v))
    .join("");
  return `<?xml version="1.0" encoding="UTF-8"?>\n${open}${inner}</${root}>`;
}

/** Renders a parsed element back, e.g. to return a stored configuration in a normalised form. */
export function renderElement(element: XmlElement, namespaced = false): string {
  const attrs = namespaced ? ` xmlns="${S3_NAMESPACE}"` : "";
  const inner =
    element.children.length > 0
      ? element.children.map((child) => renderElement(child)).join("")
      : escapeXml(element.text);
  return `<${element.name}${attrs}>${inner}</${element.name}>`;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decodeText(raw: string): string {
  return raw.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (whole, entity: string) => {
    if (entity.startsWith("#x")) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith("#")) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10));
    const decoded = ENTITIES[entity];
    if (decoded === undefined) throw new SyntaxError(`unknown entity ${whole}`);
    return decoded;
  });
}

/** Parses a document into its root element; throws SyntaxError on anything malformed. */
export function parseXml(source: string): XmlElement {
  let pos = 0;
  const skipMisc = () => {
    for (;;) {
      const rest = source.slice(pos);
      const ws = /^\s+/.exec(rest);
      if (ws) {
        pos += ws[0].length;
        continue;
      }
      const skip = rest.startsWith("<?") ? "?>" : rest.startsWith("<!--") ? "-->" : null;
      if (skip === null) return;
      const end = source.indexOf(skip, pos);
      if (end < 0) throw new SyntaxError("unterminated declaration or comment");
      pos = end + skip.length;
    }
  };
  const parseElement = (): XmlElement => {
    const open = /^<([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/.exec(
      source.slice(pos),
    );
    if (!open) throw new SyntaxError(`expected an element at offset ${pos}`);
    pos += open[0].length;
    const name = (open[1] as string).replace(/^[\w.-]+:/, "");
    const element: XmlElement = { name, text: "", children: [] };
    if (open[3] === "/") return element;
    let text = "";
    for (;;) {
      const next = source.indexOf("<", pos);
      if (next < 0) throw new SyntaxError(`unterminated element ${name}`);
      text += source.slice(pos, next);
      pos = next;
      if (source.startsWith("</", pos)) {
        const close = /^<\/([A-Za-z_][\w.:-]*)\s*>/.exec(source.slice(pos));
        if (!close || (close[1] as string).replace(/^[\w.-]+:/, "") !== name) {
          throw new SyntaxError(`mismatched closing tag for ${name}`);
        }
        pos += close[0].length;
        break;
      }
      if (source.startsWith("<!--", pos)) {
        const end = source.indexOf("-->", pos);
        if (end < 0) throw new SyntaxError("unterminated comment");
        pos = end + 3;
        continue;
      }
      if (source.startsWith("<![CDATA[", pos)) {
        const end = source.indexOf("]]>", pos);
        if (end < 0) throw new SyntaxError("unterminated CDATA");
        text += source.slice(pos + 9, end).replace(/[&<]/g, (c) => (c === "&" ? "&amp;" : "&lt;"));
        pos = end + 3;
        continue;
      }
      element.children.push(parseElement());
    }
    if (element.children.length > 0 && text.trim() !== "") throw new SyntaxError(`mixed content in ${name}`);
    element.text = element.children.length > 0 ? "" : decodeText(text);
    return element;
  };
  skipMisc();
  const root = parseElement();
  skipMisc();
  if (pos !== source.length) throw new SyntaxError("content after the root element");
  return root;
}

export function childElements(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((child) => child.name === name);
}

export function childText(element: XmlElement, name: string): string | undefined {
  return element.children.find((child) => child.name === name)?.text;
}
