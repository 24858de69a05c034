// A deliberately small formula engine so that getValues() on a formula cell returns what Sheets
// would for the trivial cases scripts produce: arithmetic, comparisons, text concatenation,
// references to cells, and a handful of functions (SUM, HYPERLINK, CONCATENATE, IF, …). A
// formula that does not parse yields '#ERROR!', an unknown function or name '#NAME?'. Anything
// richer is out of scope; see README "Fidelity gaps".

export type Scalar = string | number | boolean | Date;

export interface FormulaEnv {
  /** The computed value of a cell ('' when empty); sheet undefined = the formula's own sheet. */
  valueAt(sheet: string | undefined, row: number, column: number): Scalar;
}

const ERROR_CODES = new Set(['#ERROR!', '#NAME?', '#VALUE!', '#DIV/0!', '#REF!', '#NUM!', '#N/A']);

export function isErrorValue(value: unknown): boolean {
  return typeof value === 'string' && ERROR_CODES.has(value);
}

class FormulaError extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

type Node =
  | { t: 'lit'; v: Scalar }
  | { t: 'ref'; sheet?: string; row: number; col: number }
  | { t: 'range'; sheet?: string; r1: number; c1: number; r2: number; c2: number }
  | { t: 'name'; name: string }
  | { t: 'call'; name: string; args: Node[] }
  | { t: 'unary'; op: string; e: Node }
  | { t: 'pct'; e: Node }
  | { t: 'bin'; op: string; l: Node; r: Node };

type Token =
  | { k: 'num'; v: number }
  | { k: 'str'; v: string }
  | { k: 'word'; v: string; sheet?: string }
  | { k: 'op'; v: string };

type Value = Scalar | Scalar[][];

/** Evaluates `=…`; never throws: errors come back as Sheets' error strings. */
export function evaluateFormula(formula: string, env: FormulaEnv): Scalar {
  let ast: Node;
  try {
    ast = new Parser(tokenize(formula.replace(/^=/, ''))).parseAll();
  } catch {
    return '#ERROR!';
  }
  try {
    const value = evaluate(ast, env);
    const scalar = Array.isArray(value) ? (value[0]?.[0] ?? '') : value;
    if (typeof scalar === 'number' && !Number.isFinite(scalar)) return '#NUM!';
    return scalar;
  } catch (err) {
    if (err instanceof FormulaError) return err.code;
    return '#ERROR!';
  }
}

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const rest = src.slice(i);
    const ws = /^\s+/.exec(rest);
    if (ws) {
      i += ws[0].length;
      continue;
    }
    const num = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(rest);
    if (num) {
      tokens.push({ k: 'num', v: Number(num[0]) });
      i += num[0].length;
      continue;
    }
    if (rest[0] === '"') {
      const str = /^"((?:[^"]|"")*)"/.exec(rest);
      if (!str) throw new Error('unterminated string');
      tokens.push({ k: 'str', v: str[1].replace(/""/g, '"') });
      i += str[0].length;
      continue;
    }
    const quotedSheet = /^'((?:[^']|'')+)'!/.exec(rest);
    const word = /^[A-Za-z_$][A-Za-z0-9_.$]*/.exec(rest);
    if (quotedSheet || (word && rest[word[0].length] === '!')) {
      const m = (quotedSheet ?? word) as RegExpExecArray;
      const sheet = quotedSheet ? quotedSheet[1].replace(/''/g, "'") : m[0];
      i += quotedSheet ? m[0].length : m[0].length + 1;
      const ref = /^\$?[A-Za-z]{1,3}\$?\d+/.exec(src.slice(i));
      if (!ref) throw new Error('bad sheet reference');
      tokens.push({ k: 'word', v: ref[0], sheet });
      i += ref[0].length;
      continue;
    }
    if (word) {
      tokens.push({ k: 'word', v: word[0] });
      i += word[0].length;
      continue;
    }
    const op = /^(<=|>=|<>|[-+*/^&=<>(),;:%])/.exec(rest);
    if (!op) throw new Error(`unexpected ${rest[0]}`);
    tokens.push({ k: 'op', v: op[0] === ';' ? ',' : op[0] });
    i += op[0].length;
  }
  return tokens;
}

const REF = /^\$?([A-Za-z]{1,3})\$?(\d+)$/;

class Parser {
  private pos = 0;

  constructor(private readonly tokens: Token[]) {}

  parseAll(): Node {
    const node = this.comparison();
    if (this.pos !== this.tokens.length) throw new Error('trailing tokens');
    return node;
  }

  private peekOp(...ops: string[]): string | undefined {
    const tok = this.tokens[this.pos];
    return tok?.k === 'op' && ops.includes(tok.v) ? tok.v : undefined;
  }

  private binary(next: () => Node, ops: string[]): Node {
    let left = next();
    for (let op = this.peekOp(...ops); op; op = this.peekOp(...ops)) {
      this.pos += 1;
      left = { t: 'bin', op, l: left, r: next() };
    }
    return left;
  }

  private comparison = (): Node => this.binary(this.concat, ['=', '<>', '<', '>', '<=', '>=']);
  private concat = (): Node => this.binary(this.additive, ['&']);
  private additive = (): Node => this.binary(this.term, ['+', '-']);
  private term = (): Node => this.binary(this.power, ['*', '/']);
  private power = (): Node => this.binary(this.unary, ['^']);

  private unary = (): Node => {
    const op = this.peekOp('+', '-');
    if (op) {
      this.pos += 1;
      return { t: 'unary', op, e: this.unary() };
    }
    const node = this.primary();
    if (this.peekOp('%')) {
      this.pos += 1;
      return { t: 'pct', e: node };
    }
    return node;
  };

  private primary(): Node {
    const tok = this.tokens[this.pos];
    if (!tok) throw new Error('unexpected end');
    this.pos += 1;
    if (tok.k === 'num') return { t: 'lit', v: tok.v };
    if (tok.k === 'str') return { t: 'lit', v: tok.v };
    if (tok.k === 'op') {
      if (tok.v !== '(') throw new Error(`unexpected ${tok.v}`);
      const inner = this.comparison();
      if (!this.peekOp(')')) throw new Error('missing )');
      this.pos += 1;
      return inner;
    }
    return this.word(tok);
  }

  private word(tok: Extract<Token, { k: 'word' }>): Node {
    if (this.peekOp('(') && tok.sheet === undefined) {
      this.pos += 1;
      return { t: 'call', name: tok.v.toUpperCase(), args: this.args() };
    }
    const ref = REF.exec(tok.v);
    if (ref) {
      const start = { row: Number(ref[2]), col: columnOf(ref[1]) };
      if (this.peekOp(':')) {
        this.pos += 1;
        const endTok = this.tokens[this.pos];
        const end = endTok?.k === 'word' ? REF.exec(endTok.v) : null;
        if (!end) throw new Error('bad range');
        this.pos += 1;
        const r2 = Number(end[2]);
        const c2 = columnOf(end[1]);
        return { t: 'range', sheet: tok.sheet, r1: start.row, c1: start.col, r2, c2 };
      }
      return { t: 'ref', sheet: tok.sheet, ...start };
    }
    const upper = tok.v.toUpperCase();
    if (upper === 'TRUE' || upper === 'FALSE') return { t: 'lit', v: upper === 'TRUE' };
    return { t: 'name', name: tok.v };
  }

  private args(): Node[] {
    const args: Node[] = [];
    if (this.peekOp(')')) {
      this.pos += 1;
      return args;
    }
    for (;;) {
      args.push(this.comparison());
      if (this.peekOp(',')) {
        this.pos += 1;
        continue;
      }
      if (this.peekOp(')')) {
        this.pos += 1;
        return args;
      }
      throw new Error('bad argument list');
    }
  }
}

function columnOf(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

function evaluate(node: Node, env: FormulaEnv): Value {
  switch (node.t) {
    case 'lit':
      return node.v;
    case 'ref':
      return checked(env.valueAt(node.sheet, node.row, node.col));
    case 'range':
      return rangeValues(node, env);
    case 'name':
      throw new FormulaError('#NAME?');
    case 'call':
      return callFunction(node.name, node.args, env);
    case 'unary': {
      const n = toNumber(scalar(evaluate(node.e, env)));
      return node.op === '-' ? -n : n;
    }
    case 'pct':
      return toNumber(scalar(evaluate(node.e, env))) / 100;
    case 'bin':
      return binary(node.op, scalar(evaluate(node.l, env)), scalar(evaluate(node.r, env)));
  }
}

function rangeValues(node: Extract<Node, { t: 'range' }>, env: FormulaEnv): Scalar[][] {
  const rows: Scalar[][] = [];
  for (let r = Math.min(node.r1, node.r2); r <= Math.max(node.r1, node.r2); r += 1) {
    const row: Scalar[] = [];
    for (let c = Math.min(node.c1, node.c2); c <= Math.max(node.c1, node.c2); c += 1) {
      row.push(checked(env.valueAt(node.sheet, r, c)));
    }
    rows.push(row);
  }
  return rows;
}

function checked(value: Scalar): Scalar {
  if (isErrorValue(value)) throw new FormulaError(value as string);
  return value;
}

function scalar(value: Value): Scalar {
  if (!Array.isArray(value)) return value;
  if (value.length === 1 && value[0].length === 1) return value[0][0];
  throw new FormulaError('#VALUE!');
}

function binary(op: string, l: Scalar, r: Scalar): Scalar {
  switch (op) {
    case '+':
      return toNumber(l) + toNumber(r);
    case '-':
      return toNumber(l) - toNumber(r);
    case '*':
      return toNumber(l) * toNumber(r);
    case '/': {
      const d = toNumber(r);
      if (d === 0) throw new FormulaError('#DIV/0!');
      return toNumber(l) / d;
    }
    case '^':
      return toNumber(l) ** toNumber(r);
    case '&':
      return toText(l) + toText(r);
    default:
      return compare(op, l, r);
  }
}

function compare(op: string, l: Scalar, r: Scalar): boolean {
  const c = order(l, r);
  switch (op) {
    case '=':
      return c === 0;
    case '<>':
      return c !== 0;
    case '<':
      return c < 0;
    case '>':
      return c > 0;
    case '<=':
      return c <= 0;
    default:
      return c >= 0;
  }
}

/** Sheets orders numbers before text before booleans; text compares case-insensitively. */
function order(l: Scalar, r: Scalar): number {
  const rank = (v: Scalar): number => (typeof v === 'boolean' ? 2 : typeof v === 'string' ? 1 : 0);
  if (l === '' && typeof r !== 'string') l = typeof r === 'boolean' ? false : 0;
  if (r === '' && typeof l !== 'string') r = typeof l === 'boolean' ? false : 0;
  if (rank(l) !== rank(r)) return rank(l) - rank(r);
  if (typeof l === 'string') return l.toLowerCase().localeCompare(String(r).toLowerCase());
  return Number(toNumber(l)) - Number(toNumber(r));
}

export function toNumber(value: Scalar): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return dateToSerial(value);
  if (value.trim() === '') return 0;
  const n = Number(value.trim());
  if (Number.isNaN(n)) throw new FormulaError('#VALUE!');
  return n;
}

function toText(value: Scalar): string {
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') return generalNumber(value);
  if (value instanceof Date) return String(dateToSerial(value));
  return value;
}

function toBool(value: Scalar): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    if (/^true$/i.test(value)) return true;
    if (/^false$/i.test(value) || value === '') return false;
    throw new FormulaError('#VALUE!');
  }
  return toNumber(value) !== 0;
}

/** Days since 1899-12-30, Sheets' serial date (UTC-based here). */
export function dateToSerial(date: Date): number {
  return date.getTime() / 86400000 + 25569;
}

/** Numbers as Sheets' automatic format shows them (15 significant digits). */
export function generalNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e15) return String(n);
  return String(Number(n.toPrecision(15))).replace('e', 'E');
}

function flatten(args: Node[], env: FormulaEnv): Scalar[] {
  const out: Scalar[] = [];
  for (const arg of args) {
    const value = evaluate(arg, env);
    if (Array.isArray(value)) value.forEach(row => out.push(...row));
    else out.push(value);
  }
  return out;
}

function callFunction(name: string, args: Node[], env: FormulaEnv): Value {
  const arg = (i: number): Scalar => (args[i] ? scalar(evaluate(args[i], env)) : '');
  switch (name) {
    case 'SUM':
      return flatten(args, env).reduce<number>(
        (sum, v) => sum + (typeof v === 'number' ? v : v === '' ? 0 : toNumber(v)),
        0
      );
    case 'HYPERLINK':
      return args.length > 1 ? arg(1) : arg(0);
    case 'CONCATENATE':
    case 'CONCAT':
      return flatten(args, env).map(toText).join('');
    case 'UPPER':
      return toText(arg(0)).toUpperCase();
    case 'LOWER':
      return toText(arg(0)).toLowerCase();
    case 'TRIM':
      return toText(arg(0)).trim().replace(/\s+/g, ' ');
    case 'LEN':
      return toText(arg(0)).length;
    case 'ABS':
      return Math.abs(toNumber(arg(0)));
    case 'ROUND': {
      const f = 10 ** (args.length > 1 ? toNumber(arg(1)) : 0);
      return Math.round(toNumber(arg(0)) * f) / f;
    }
    case 'IF':
      return toBool(arg(0)) ? arg(1) : args.length > 2 ? arg(2) : false;
    case 'AND':
      return flatten(args, env).every(toBool);
    case 'OR':
      return flatten(args, env).some(toBool);
    case 'NOT':
      return !toBool(arg(0));
    default:
      throw new FormulaError('#NAME?');
  }
}
