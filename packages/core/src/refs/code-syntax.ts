import type { Node } from '@vscode/tree-sitter-wasm';

/**
 * The node types of the six grammars that matter for finding database
 * references. The grammars name their nodes differently but rarely clash, so
 * one set per role covers TypeScript/JavaScript, Python, Go, Java, C# and Ruby.
 */
const STRING_TYPES = new Set([
  'string', // TS/JS, Python, Ruby
  'template_string', // TS/JS
  'interpreted_string_literal', // Go
  'raw_string_literal', // Go, C#
  'string_literal', // Java, C#
  'text_block', // Java
  'verbatim_string_literal', // C#
  'interpolated_string_expression', // C#
  'heredoc_body', // Ruby
]);
const SUBSTITUTION_TYPES = new Set(['template_substitution', 'interpolation']);
const DELIMITER_TYPES = new Set(['string_start', 'string_end', 'interpolation_start', 'heredoc_end', 'heredoc_start', 'interpolation_brace']);
const CLASS_TYPES = new Set(['class_declaration', 'abstract_class_declaration', 'class', 'class_definition', 'record_declaration', 'struct_declaration', 'interface_declaration', 'enum_declaration', 'module']);
const FUNCTION_TYPES = new Set([
  'function_declaration',
  'generator_function_declaration',
  'method_definition',
  'function_definition',
  'method_declaration',
  'constructor_declaration',
  'local_function_statement',
  'method',
  'singleton_method',
]);
const CALL_TYPES = new Set(['call_expression', 'call', 'method_invocation', 'invocation_expression']);
const MEMBER_TYPES = new Set(['member_expression', 'attribute', 'selector_expression', 'field_access', 'member_access_expression']);
const CREATION_TYPES = new Set(['new_expression', 'object_creation_expression']);
const IMPORT_TYPES = new Set(['import_statement', 'import_from_statement', 'import_declaration', 'using_directive', 'import_clause', 'import_specifier']);
const ASSIGNMENT_TYPES = new Set(['assignment_expression', 'assignment', 'augmented_assignment', 'operator_assignment']);

export function isStringNode(n: Node): boolean {
  return n.isNamed && STRING_TYPES.has(n.type) && !(n.type === 'string' && n.parent?.type === 'predefined_type');
}

/** A Python docstring or a bare string statement: documentation, never a query. */
export function isDocString(n: Node): boolean {
  return n.parent?.type === 'expression_statement' && n.parent.namedChildCount === 1;
}

export const isClassNode = (n: Node): boolean => CLASS_TYPES.has(n.type);
export const isCallNode = (n: Node): boolean => CALL_TYPES.has(n.type);
export const isMemberNode = (n: Node): boolean => MEMBER_TYPES.has(n.type) || (n.type === 'call' && !n.childForFieldName('arguments') && !!n.childForFieldName('receiver'));
export const isCreationNode = (n: Node): boolean => CREATION_TYPES.has(n.type);
export const isAssignmentNode = (n: Node): boolean => ASSIGNMENT_TYPES.has(n.type);

/** A piece of a string literal's value: literal text, or an interpolated expression (`${x}`, `{x}`, `#{x}`). */
export type StringPiece = { kind: 'text'; text: string; row: number } | { kind: 'code'; node: Node; row: number };

/**
 * The value of a string literal as pieces, escapes undone. An escaped newline
 * becomes a space rather than a line break, so that every line break in the
 * value is one in the source and lines map back exactly.
 */
export function stringPieces(n: Node): StringPiece[] {
  const children = n.children.filter((c): c is Node => c !== null);
  if (!children.some((c) => c.isNamed && !DELIMITER_TYPES.has(c.type))) {
    // A single-token literal (C# @"…", Java """…""", an empty string): strip its delimiters.
    const m = /^(?:[@$]+|[rRbBuUfF]{1,2})?("""|'''|"|'|`)([\s\S]*)\1$/.exec(n.text);
    return m && m[2] ? [{ kind: 'text', text: unescape(m[2]), row: n.startPosition.row }] : [];
  }
  const out: StringPiece[] = [];
  for (const c of children) {
    if (SUBSTITUTION_TYPES.has(c.type)) {
      const expr = c.namedChildren.find((x): x is Node => !!x && !DELIMITER_TYPES.has(x.type));
      if (expr) out.push({ kind: 'code', node: expr, row: c.startPosition.row });
    } else if (c.isNamed && !DELIMITER_TYPES.has(c.type)) out.push({ kind: 'text', text: unescape(c.text), row: c.startPosition.row });
  }
  return out;
}

const CONCAT_TYPES = new Set(['binary_expression', 'binary_operator', 'binary']);

/** A `+` concatenation (or Python's adjacent literals) with at least one string literal in it. */
export function isConcatenation(n: Node): boolean {
  if (n.type === 'concatenated_string') return true;
  return CONCAT_TYPES.has(n.type) && n.childForFieldName('operator')?.text === '+' && [n.childForFieldName('left'), n.childForFieldName('right')].some((c) => !!c && (isStringNode(c) || isConcatenation(c)));
}

/**
 * The pieces of a concatenation, `"SELECT tier " + "FROM " + TABLE`: string
 * literals give their pieces, any other operand is code, like an interpolation.
 * The string literals inside are returned too, so they are not read twice.
 */
export function concatenationPieces(n: Node): { pieces: StringPiece[]; strings: Node[] } {
  const pieces: StringPiece[] = [];
  const strings: Node[] = [];
  const visit = (x: Node) => {
    if (isStringNode(x)) {
      strings.push(x);
      pieces.push(...stringPieces(x));
    } else if (x.type === 'concatenated_string' || (CONCAT_TYPES.has(x.type) && x.childForFieldName('operator')?.text === '+')) {
      for (const c of x.namedChildren) if (c && c.id !== x.childForFieldName('operator')?.id) visit(c);
    } else if (x.type === 'parenthesized_expression' && x.namedChildren[0]) visit(x.namedChildren[0]);
    else pieces.push({ kind: 'code', node: x, row: x.startPosition.row });
  };
  visit(n);
  return { pieces, strings };
}

function unescape(s: string): string {
  return s.replace(/\\(.)/g, (_, ch: string) => ('ntrfvb0'.includes(ch) ? ' ' : ch));
}

/** The plain value of a string literal without interpolation, or undefined. */
export function literalValue(n: Node): string | undefined {
  if (isStringNode(n)) {
    const pieces = stringPieces(n);
    return pieces.every((p) => p.kind === 'text') ? pieces.map((p) => (p.kind === 'text' ? p.text : '')).join('') : undefined;
  }
  // Ruby symbols name columns too: `pluck(:tier)`, `where(tier: 1)`.
  if (n.type === 'simple_symbol') return n.text.slice(1);
  if (n.type === 'hash_key_symbol') return n.text;
  return undefined;
}

/** A call's parts in any of the grammars: `receiver.method(args)` or `method(args)`. */
export interface CallParts {
  method: string;
  receiver: Node | undefined;
  args: Node[];
}

export function callParts(n: Node): CallParts | undefined {
  if (!isCallNode(n)) return undefined;
  const fn = n.childForFieldName('function');
  let method: Node | null | undefined;
  let receiver: Node | null | undefined;
  if (fn) {
    if (isMemberNode(fn)) ({ object: receiver, name: method } = memberFields(fn));
    else method = fn.type === 'generic_name' ? fn.namedChildren[0] : fn;
  } else {
    receiver = n.childForFieldName('object') ?? n.childForFieldName('receiver');
    method = n.childForFieldName('name') ?? n.childForFieldName('method');
  }
  if (!method) return undefined;
  const argList = n.childForFieldName('arguments');
  const args = (argList?.namedChildren ?? [])
    .filter((a): a is Node => !!a)
    .map((a) => (a.type === 'argument' ? (a.namedChildren.filter((x): x is Node => !!x).pop() ?? a) : a));
  return { method: method.text, receiver: receiver ?? undefined, args };
}

/** `object.name` in any of the grammars. */
export function memberFields(n: Node): { object: Node | undefined; name: Node | undefined } {
  const object = n.childForFieldName('object') ?? n.childForFieldName('operand') ?? n.childForFieldName('expression') ?? n.childForFieldName('receiver');
  const name = n.childForFieldName('property') ?? n.childForFieldName('attribute') ?? n.childForFieldName('field') ?? n.childForFieldName('name') ?? n.childForFieldName('method');
  return { object: object ?? undefined, name: name ?? undefined };
}

/** The last identifier of an expression: `this.t.contract` → `contract`, `TABLE` → `TABLE`. */
export function trailingName(n: Node): string | undefined {
  if (isMemberNode(n)) return memberFields(n).name?.text;
  return /^[A-Za-z_$][\w$]*$/.test(n.text) ? n.text : undefined;
}

/** Whether a node sits in an import/using statement (a mention there is no use). */
export function inImport(n: Node): boolean {
  for (let p = n.parent; p; p = p.parent) if (IMPORT_TYPES.has(p.type)) return true;
  return false;
}

/**
 * The class around a node (its name), else the function around it: the
 * `symbol` of a reference. A Go method counts as belonging to its receiver's
 * type, the closest Go has to a class.
 */
export function enclosingSymbol(n: Node): string | undefined {
  let fn: string | undefined;
  for (let p: Node | null = n.parent; p; p = p.parent) {
    if (CLASS_TYPES.has(p.type)) {
      const name = p.childForFieldName('name')?.text;
      if (name) return name;
    }
    if (p.type === 'method_declaration' && p.childForFieldName('receiver')) {
      const receiverType = p.childForFieldName('receiver')?.descendantsOfType('type_identifier')[0]?.text;
      if (receiverType) return receiverType;
    }
    if (!fn && FUNCTION_TYPES.has(p.type)) fn = p.childForFieldName('name')?.text;
    if (!fn && (p.type === 'arrow_function' || p.type === 'function_expression' || p.type === 'function') && p.parent?.type === 'variable_declarator') fn = p.parent.childForFieldName('name')?.text;
  }
  return fn;
}

/** Depth-first walk over named nodes with a cursor (much cheaper than `children` on large trees). */
export function walk(root: Node, visit: (n: Node) => void): void {
  const cursor = root.walk();
  try {
    let descending = true;
    for (;;) {
      if (descending) {
        if (cursor.nodeIsNamed) visit(cursor.currentNode);
        if (cursor.gotoFirstChild()) continue;
      }
      if (cursor.gotoNextSibling()) {
        descending = true;
        continue;
      }
      if (!cursor.gotoParent()) return;
      descending = false;
    }
  } finally {
    cursor.delete();
  }
}
