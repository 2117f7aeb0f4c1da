/**
 * Value templates of a workload: `{{uuid}}`, `{{seq}}`, `{{choice a|b|c}}`, `{{int 1 100}}`,
 * faker-style strings (`{{word}}`, `{{name}}`, `{{email}}`, `{{text 40}}`, `{{hex 16}}`), the built-in
 * key scheme (`{{lk_key}}`), environment variables (`{{env API_TOKEN}}`, read once when the workload
 * is compiled) and values captured from an earlier response (`{{ref itemId}}`).
 *
 * A template is compiled once into a list of parts; rendering it per request only calls the
 * generators. A string that is exactly one numeric generator (`"{{int 1 9}}"`, `"{{seq}}"`) renders
 * as a JSON number inside a body.
 */
import { randomUUID } from 'node:crypto';
import { mintKey } from '../../scenarios/kit/api-key.js';
import { LeakbenchError } from '../errors.js';

/** What rendering needs besides the generators themselves. */
export interface TemplateContext {
  /** Uniform [0,1) source (injectable for tests). */
  random: () => number;
  /** The next value of the workload-wide sequence. */
  nextSequence: () => number;
  /** The key secret for `{{lk_key}}`. */
  secret: string;
  /** A value captured earlier under `name`, or undefined when none yet. */
  ref: (name: string) => string | undefined;
}

type Part = string | { gen: (ctx: TemplateContext) => string | number; refName?: string };

/** A compiled template. */
export interface Template {
  /** Renders to text (numbers as decimal text). Undefined when a `{{ref}}` has no value yet. */
  render(ctx: TemplateContext): string | undefined;
  /** Renders a body value: a lone numeric generator stays a number. */
  renderValue(ctx: TemplateContext): string | number | undefined;
  /** Names of the captured values it reads. */
  refs: string[];
}

const WORDS = [
  'amber', 'bolt', 'cedar', 'delta', 'ember', 'fjord', 'glade', 'harbor', 'iris', 'jade', 'kelp', 'lumen',
  'maple', 'nimbus', 'onyx', 'pixel', 'quartz', 'raven', 'sierra', 'tundra', 'umber', 'vivid', 'willow', 'zephyr',
];
const FIRST = ['Ada', 'Bruno', 'Chidi', 'Dana', 'Emil', 'Farah', 'Goran', 'Hana', 'Ivo', 'Jun', 'Kira', 'Luis', 'Mina', 'Noor', 'Omar', 'Priya'];
const LAST = ['Adeyemi', 'Berg', 'Castro', 'Dubois', 'Eriksen', 'Fujita', 'Garcia', 'Haddad', 'Ivanova', 'Jensen', 'Kowalski', 'Larsen'];

const pick = <T>(list: readonly T[], random: () => number): T => list[Math.floor(random() * list.length)]!;

function intArg(expr: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) throw new LeakbenchError('E_WORKLOAD', `template {{${expr}}}: '${raw}' is not a whole number`);
  return n;
}

/** One generator from the text between the braces; throws `E_WORKLOAD` for an unknown one. */
function generator(expr: string, env: NodeJS.ProcessEnv): Exclude<Part, string> {
  const [name = '', ...args] = expr.trim().split(/\s+/);
  switch (name) {
    case 'uuid':
      return { gen: () => randomUUID() };
    case 'seq': {
      const start = intArg(expr, args[0], 1);
      return { gen: (ctx) => start - 1 + ctx.nextSequence() };
    }
    case 'int': {
      const lo = intArg(expr, args[0], 0);
      const hi = intArg(expr, args[1], 1_000_000);
      if (hi < lo) throw new LeakbenchError('E_WORKLOAD', `template {{${expr}}}: the upper bound is below the lower one`);
      return { gen: (ctx) => lo + Math.floor(ctx.random() * (hi - lo + 1)) };
    }
    case 'choice': {
      const options = args.join(' ').split('|').map((s) => s.trim()).filter((s) => s !== '');
      if (options.length === 0) throw new LeakbenchError('E_WORKLOAD', `template {{${expr}}}: give the options as {{choice a|b|c}}`);
      return { gen: (ctx) => pick(options, ctx.random) };
    }
    case 'word':
      return { gen: (ctx) => pick(WORDS, ctx.random) };
    case 'name':
      return { gen: (ctx) => `${pick(FIRST, ctx.random)} ${pick(LAST, ctx.random)}` };
    case 'email':
      return { gen: (ctx) => `${pick(FIRST, ctx.random).toLowerCase()}.${pick(WORDS, ctx.random)}${Math.floor(ctx.random() * 10_000)}@example.test` };
    case 'text': {
      const length = intArg(expr, args[0], 32);
      return {
        gen: (ctx) => {
          let out = '';
          while (out.length < length) out += (out ? ' ' : '') + pick(WORDS, ctx.random);
          return out.slice(0, length);
        },
      };
    }
    case 'hex': {
      const length = intArg(expr, args[0], 16);
      return { gen: (ctx) => Array.from({ length }, () => Math.floor(ctx.random() * 16).toString(16)).join('') };
    }
    case 'lk_key':
      return { gen: (ctx) => mintKey(ctx.secret) };
    case 'env': {
      const variable = args[0];
      if (variable === undefined) throw new LeakbenchError('E_WORKLOAD', `template {{${expr}}}: name the variable, {{env API_TOKEN}}`);
      const value = env[variable];
      if (value === undefined) throw new LeakbenchError('E_WORKLOAD', `template {{${expr}}}: environment variable ${variable} is not set`);
      return { gen: () => value };
    }
    case 'ref': {
      const refName = args[0];
      if (refName === undefined) throw new LeakbenchError('E_WORKLOAD', `template {{${expr}}}: name the captured value, {{ref itemId}}`);
      return { gen: (ctx) => ctx.ref(refName) ?? '', refName };
    }
    default:
      throw new LeakbenchError(
        'E_WORKLOAD',
        `unknown template {{${expr.trim()}}} (known: uuid, seq, int, choice, word, name, email, text, hex, lk_key, env, ref)`,
      );
  }
}

/** Compiles `text`; `env` resolves `{{env NAME}}` now, so a missing token fails before any load. */
export function compileTemplate(text: string, env: NodeJS.ProcessEnv = process.env): Template {
  const parts: Part[] = [];
  let last = 0;
  for (const match of text.matchAll(/\{\{([^{}]*)\}\}/g)) {
    if (match.index > last) parts.push(text.slice(last, match.index));
    parts.push(generator(match[1]!, env));
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  const refs = parts.flatMap((p) => (typeof p !== 'string' && p.refName !== undefined ? [p.refName] : []));
  const hasRefs = refs.length > 0;
  const lone = parts.length === 1 && typeof parts[0] !== 'string' ? parts[0] : undefined;

  const refsReady = (ctx: TemplateContext): boolean => !hasRefs || refs.every((r) => ctx.ref(r) !== undefined);
  const render = (ctx: TemplateContext): string | undefined => {
    if (!refsReady(ctx)) return undefined;
    if (parts.length === 1 && typeof parts[0] === 'string') return parts[0];
    let out = '';
    for (const p of parts) out += typeof p === 'string' ? p : String(p.gen(ctx));
    return out;
  };
  return {
    refs,
    render,
    renderValue: (ctx) => {
      if (lone) return refsReady(ctx) ? lone.gen(ctx) : undefined;
      return render(ctx);
    },
  };
}
