/**
 * The third rewrite of `scripts/minify-chunks.ts` (that file says why): a bundle file's characters outside ASCII
 * written as `\uXXXX` escapes, so Node hands V8 its source one byte per character.
 */
import ts from 'typescript';

const BEYOND_ASCII = /[\u0080-\uffff]/;
const LINE_SEPARATORS = new Set(['\u2028', '\u2029']);

/**
 * The code with each character outside ASCII in a string, template or regular expression literal written as a
 * `\uXXXX` escape, per UTF-16 unit: a character above U+FFFF becomes a pair of escapes, which every literal reads
 * as the same character. What the code computes stays the same; the text of a regular expression's `source` or
 * of a function's `toString()` does change (nothing in this project reads either). A character anywhere else (a
 * comment, a name, a tagged template's raw text), or a file that does not parse, fails the build: escaping it
 * would change the code, and this step must not.
 */
export function asciiOnly(code: string, path: string): string {
  if (!BEYOND_ASCII.test(code)) return code;
  const source = ts.createSourceFile(path, code, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  // Not part of TypeScript's typed API, but set by every parse: a file it misread must not be rewritten.
  const diagnostics = (source as unknown as { parseDiagnostics?: readonly ts.Diagnostic[] }).parseDiagnostics ?? [];
  if (diagnostics.length > 0) {
    throw new Error(`${path}: does not parse (${ts.flattenDiagnosticMessageText(diagnostics[0]!.messageText, ' ')}): not rewritten`);
  }
  const edits: { start: number; end: number; text: string }[] = [];
  const visit = (node: ts.Node): void => {
    const literal =
      ts.isStringLiteral(node) ||
      ts.isRegularExpressionLiteral(node) ||
      ts.isNoSubstitutionTemplateLiteral(node) ||
      ts.isTemplateHead(node) ||
      ts.isTemplateMiddle(node) ||
      ts.isTemplateTail(node);
    if (!literal) {
      ts.forEachChild(node, visit);
      return;
    }
    const start = node.getStart(source);
    const raw = code.slice(start, node.getEnd());
    if (!BEYOND_ASCII.test(raw)) return;
    // The template a part of belongs to: the literal itself, or the expression its head or span is part of.
    const template = ts.isTemplateHead(node)
      ? node.parent
      : ts.isTemplateMiddle(node) || ts.isTemplateTail(node)
        ? node.parent.parent
        : node;
    if (ts.isTaggedTemplateExpression(template.parent)) {
      throw new Error(`${path}: a tagged template holds a character outside ASCII at ${start}: its raw text would change`);
    }
    edits.push({ start, end: node.getEnd(), text: escapeBeyondAscii(raw) });
  };
  visit(source);
  for (const { start, end, text } of edits.sort((a, b) => b.start - a.start)) code = code.slice(0, start) + text + code.slice(end);
  const left = BEYOND_ASCII.exec(code);
  if (left) throw new Error(`${path}: a character outside ASCII outside any literal, at ${left.index}: not escaped`);
  return code;
}

/**
 * A literal's source text with its characters outside ASCII escaped. After a backslash: `\é` (an identity escape)
 * is `é`, so it becomes the escape alone; a backslash before U+2028 or U+2029 continues the line in a string or a
 * template and stands for nothing, so both go (a regular expression cannot hold one).
 */
function escapeBeyondAscii(raw: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const char = raw[i]!;
    // A literal's text ends with its closing quote, backtick, `${` or slash: a backslash always has a next one.
    if (char === '\\') {
      const next = raw[i + 1]!;
      i++;
      if (LINE_SEPARATORS.has(next)) continue;
      out += next.charCodeAt(0) > 0x7f ? unicodeEscape(next) : char + next;
    } else out += char.charCodeAt(0) > 0x7f ? unicodeEscape(char) : char;
  }
  return out;
}

function unicodeEscape(unit: string): string {
  return `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`;
}
