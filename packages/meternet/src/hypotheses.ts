/**
 * Class probabilities → ranked meter hypotheses (reference/signals.md §8.1, §8.3–8.5), with
 * English descriptions (ARCHITECTURE.md decision 10).
 *
 * One deviation, so that the disambiguation hints can fire (in the reference they never do,
 * §8.5 NOTE: one key per numerator exists, so 2/4, 6/8 and 12/8 never appear):
 * a class may also be read as its compound or half-bar relative — 3 as 6/8, 4 as 2/4 or 12/8
 * (exactly the partners the hint table names). For each class, the candidates are the §8.3 key
 * (its numerator with the denominator the signals favour) and those relatives; each gets its
 * evidence, the highest raw score any signal gives it. The best-supported candidate becomes the
 * class's hypothesis with the class probability (the §8.3 key wins ties, so without relative
 * evidence the result equals the reference's); every other candidate with evidence > 0 is added
 * as an alternative scored probability × evidence / best evidence. The top class is therefore
 * always the reference's top class; only its written form and the alternatives change.
 */
import { METER_CLASSES, type MeterClass, type MeterKey, type MeterScores, parseMeterKey } from "@tactus/signals";
import type { ModelKind } from "./inputs.js";

export interface MeterHypothesis {
  numerator: number;
  denominator: number;
  /** Share among the kept hypotheses (they sum to 1), 3 decimals. */
  confidence: number;
  /** Beat grouping such as "2+2+3", or null. */
  grouping: string | null;
  description: string;
  /** "6_8_vs_3_4" etc. when a hinted partner is close (§8.5), else null. */
  disambiguationHint: string | null;
  /** The model class this reading comes from (null for the fallback). */
  meterClass: MeterClass | null;
  /** True only for the §8.1 fallback 4/4. */
  fallback: boolean;
}

export interface MeterHypothesesResult {
  hypotheses: MeterHypothesis[];
  /** Normalised entropy of the unfiltered scores, 3 decimals (1.0 for the fallback). */
  ambiguity: number;
  /** The model that produced the probabilities, "none" without a checkpoint. */
  model: ModelKind | "none";
  fallback: boolean;
}

export interface HypothesisOptions {
  /** Hypotheses kept (5; sections use 1). */
  maxHypotheses?: number;
  /** Classes below this probability are ignored (0.01). */
  minProbability?: number;
  /** Scores below this fraction of the maximum are dropped as noise (0.10). */
  noiseRatio?: number;
  /** Which model produced the probabilities (recorded in the result). Default "meternet". */
  model?: ModelKind;
}

export const HYPOTHESIS_DEFAULTS = { maxHypotheses: 5, minProbability: 0.01, noiseRatio: 0.1 } as const;

/** Compound / half-bar relatives a class may be read as (the partners of the hint table). */
export const CLASS_RELATIVES: Readonly<Partial<Record<MeterClass, readonly MeterKey[]>>> = {
  3: ["6/8"],
  4: ["2/4", "12/8"],
};

/** §8.5 groupings (first listed alternative). */
export const GROUPINGS: Readonly<Record<string, string>> = {
  "5/4": "3+2",
  "5/8": "3+2",
  "7/4": "2+2+3",
  "7/8": "2+2+3",
  "9/8": "2+2+2+3",
  "10/8": "3+3+2+2",
  "11/8": "3+3+3+2",
};

/** §8.5 descriptions, in English; other meters are described as "num/den". */
export const DESCRIPTIONS: Readonly<Record<string, string>> = {
  "2/4": "March, polka",
  "3/4": "Waltz (e.g. The Blue Danube, Chopin's waltzes)",
  "3/8": "Fast waltz, gigue",
  "4/4": "Standard rock/pop (e.g. Billie Jean, Hey Jude)",
  "5/4": "Take Five (Dave Brubeck) - grouped 3+2 or 2+3",
  "5/8": "Mission: Impossible theme - grouped 3+2 or 2+3",
  "6/4": "Slow six (rare)",
  "6/8": "Tarantella, Nothing Else Matters - two groups of three",
  "7/4": "Rare - e.g. Money (Pink Floyd)",
  "7/8": "Money (Pink Floyd) - grouped 2+2+3 or 3+2+2",
  "9/8": "Blue Rondo à la Turk (Dave Brubeck) - 2+2+2+3",
  "10/8": "Rare - e.g. some Tool songs",
  "11/8": "Very rare - e.g. I Hang on to a Dream (The Nice)",
  "12/8": "Blues shuffle, Everybody Wants to Rule the World - four groups of three",
};

/** §8.5 hints, checked in this order: [own meter, partner, hint]. */
export const DISAMBIGUATION_HINTS: readonly (readonly [string, string, string])[] = [
  ["6/8", "3/4", "6_8_vs_3_4"],
  ["3/4", "6/8", "3_4_vs_6_8"],
  ["4/4", "2/4", "4_4_vs_2_4"],
  ["2/4", "4/4", "2_4_vs_4_4"],
  ["12/8", "4/4", "12_8_vs_4_4"],
];
/** A hint fires when own/partner score < this (and partner > 0). */
export const HINT_RATIO = 2.0;

export const FALLBACK_CONFIDENCE = 0.3;

/** Signal results in collection order: `{ name: { "num/den": score } }` (insertion order matters for ties). */
export type SignalResults = Readonly<Record<string, MeterScores>>;

export function describeMeter(numerator: number, denominator: number): string {
  const key = `${numerator}/${denominator}`;
  return DESCRIPTIONS[key] ?? key;
}

export function meterGrouping(numerator: number, denominator: number): string | null {
  return GROUPINGS[`${numerator}/${denominator}`] ?? null;
}

/** The §8.1 fallback: a single 4/4 at confidence 0.3, ambiguity 1.0, flagged as such. */
export function fallbackHypotheses(model: ModelKind | "none" = "none"): MeterHypothesesResult {
  return {
    hypotheses: [
      {
        numerator: 4,
        denominator: 4,
        confidence: FALLBACK_CONFIDENCE,
        grouping: null,
        description: describeMeter(4, 4),
        disambiguationHint: null,
        meterClass: null,
        fallback: true,
      },
    ],
    ambiguity: 1.0,
    model,
    fallback: true,
  };
}

/**
 * §8.3 denominator: the den of the single highest raw score among (numerator, den) entries of
 * all signals (collection order, key insertion order, strictly greater wins; 0 counts), else 4
 * for numerators ≤ 7 and 8 above. Returns the key and its score (−∞ when no signal has one).
 */
export function chooseDenominator(numerator: number, signals: SignalResults): { denominator: number; evidence: number } {
  let best: { denominator: number; evidence: number } | undefined;
  for (const scores of Object.values(signals)) {
    for (const [key, score] of Object.entries(scores)) {
      if (score === undefined || !Number.isFinite(score)) continue;
      const parsed = parseMeterKey(key as MeterKey);
      if (parsed.numerator !== numerator) continue;
      if (!best || score > best.evidence) best = { denominator: parsed.denominator, evidence: score };
    }
  }
  return best ?? { denominator: numerator <= 7 ? 4 : 8, evidence: Number.NEGATIVE_INFINITY };
}

/** Highest raw score any signal gives `key` (−∞ when none has it). */
function keyEvidence(key: MeterKey, signals: SignalResults): number {
  let best = Number.NEGATIVE_INFINITY;
  for (const scores of Object.values(signals)) {
    const score = scores[key];
    if (score !== undefined && Number.isFinite(score) && score > best) best = score;
  }
  return best;
}

interface ScoredMeter {
  numerator: number;
  denominator: number;
  score: number;
  meterClass: MeterClass;
}

/** Meter scores from class probabilities (§8.3 plus the relatives described at the top). */
export function meterScores(
  probabilities: ArrayLike<number>,
  signals: SignalResults = {},
  minProbability: number = HYPOTHESIS_DEFAULTS.minProbability,
): ScoredMeter[] {
  if (probabilities.length !== METER_CLASSES.length) {
    throw new RangeError(`expected ${METER_CLASSES.length} probabilities (${METER_CLASSES.join(", ")}), got ${probabilities.length}`);
  }
  const out: ScoredMeter[] = [];
  METER_CLASSES.forEach((meterClass, i) => {
    const p = probabilities[i]!;
    if (!(p >= minProbability)) return;
    const plain = chooseDenominator(meterClass, signals);
    const candidates = [
      { numerator: meterClass, denominator: plain.denominator, evidence: plain.evidence },
      ...(CLASS_RELATIVES[meterClass] ?? []).map((key) => ({ ...parseMeterKey(key), evidence: keyEvidence(key, signals) })),
    ].filter((c, index) => index === 0 || c.evidence > 0);
    let best = candidates[0]!;
    for (const c of candidates) if (c.evidence > best.evidence) best = c;
    for (const c of candidates) {
      const score = c === best ? p : c.evidence > 0 && best.evidence > 0 ? (p * c.evidence) / best.evidence : 0;
      if (score > 0) out.push({ numerator: c.numerator, denominator: c.denominator, score, meterClass });
    }
  });
  return out;
}

/** §8.4 ambiguity: normalised entropy of the positive scores, 3 decimals. */
export function scoreAmbiguity(scores: readonly number[]): number {
  const total = scores.reduce((s, v) => s + Math.max(v, 0), 0);
  if (!(total > 0)) return 1.0;
  const p = scores.filter((v) => v > 0).map((v) => v / total);
  if (p.length <= 1) return 0.0;
  const entropy = -p.reduce((s, q) => s + q * Math.log2(q), 0);
  return round(entropy / Math.log2(p.length), 3);
}

/**
 * Ranked hypotheses from one row of class probabilities (METER_CLASSES order) and the signal
 * results of the same clip. No class ≥ minProbability → the §8.1 fallback.
 */
export function meterHypotheses(
  probabilities: ArrayLike<number>,
  signals: SignalResults = {},
  options: HypothesisOptions = {},
): MeterHypothesesResult {
  const { maxHypotheses, minProbability, noiseRatio } = { ...HYPOTHESIS_DEFAULTS, ...options };
  const model = options.model ?? "meternet";
  const scored = meterScores(probabilities, signals, minProbability);
  if (scored.length === 0) return fallbackHypotheses(model);
  const ambiguity = scoreAmbiguity(scored.map((s) => s.score));

  const max = Math.max(...scored.map((s) => s.score));
  const kept = max > 0 ? scored.filter((s) => s.score >= noiseRatio * max) : scored;
  const total = kept.reduce((s, k) => s + k.score, 0);
  // Array.prototype.sort is stable: equal scores keep class order.
  const top = kept
    .map((k) => ({ ...k, share: k.score / total }))
    .sort((a, b) => b.share - a.share)
    .slice(0, Math.max(1, maxHypotheses));
  const topTotal = top.reduce((s, t) => s + t.share, 0);
  const shares = new Map(top.map((t) => [`${t.numerator}/${t.denominator}`, t.share / topTotal]));

  const hypotheses = top.map((t): MeterHypothesis => {
    const key = `${t.numerator}/${t.denominator}`;
    return {
      numerator: t.numerator,
      denominator: t.denominator,
      confidence: round(shares.get(key)!, 3),
      grouping: meterGrouping(t.numerator, t.denominator),
      description: describeMeter(t.numerator, t.denominator),
      disambiguationHint: hintFor(key, shares),
      meterClass: t.meterClass,
      fallback: false,
    };
  });
  return { hypotheses, ambiguity, model, fallback: false };
}

function hintFor(key: string, shares: ReadonlyMap<string, number>): string | null {
  const own = shares.get(key)!;
  for (const [m1, m2, hint] of DISAMBIGUATION_HINTS) {
    if (m1 !== key) continue;
    const partner = shares.get(m2);
    if (partner !== undefined && partner > 0 && own / partner < HINT_RATIO) return hint;
  }
  return null;
}

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}
