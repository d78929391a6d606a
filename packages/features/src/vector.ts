import { BLOCKS, type Block, blockRange, FEATURE_LENGTH } from "./layout.js";

/** The five blocks of one clip, each exactly as long as its layout block. */
export type FeatureBlocks = Readonly<Record<Block, ArrayLike<number>>>;

/** A block of the wrong length or with a NaN/±Infinity value. */
export class FeatureBlockError extends Error {
  override readonly name = "FeatureBlockError";
  constructor(
    readonly block: Block,
    readonly reason: string,
  ) {
    super(`FeatureBlockError: ${block}: ${reason}`);
  }
}

/**
 * The 1630-value MeterNet input: each block copied to its layout offset (layout.ts is the only
 * place offsets come from). Throws {@link FeatureBlockError} naming the block for a missing block,
 * a wrong length or a non-finite value.
 */
export function assembleFeatureVector(blocks: FeatureBlocks): Float32Array {
  const out = new Float32Array(FEATURE_LENGTH);
  for (const block of BLOCKS) {
    const values = blocks[block];
    if (values === undefined) throw new FeatureBlockError(block, "missing");
    const { offset, length } = blockRange(block);
    if (values.length !== length) throw new FeatureBlockError(block, `length ${values.length}, expected ${length}`);
    for (let i = 0; i < length; i++) {
      const v = values[i]!;
      if (!Number.isFinite(v)) throw new FeatureBlockError(block, `value ${v} at block index ${i} (vector index ${offset + i})`);
      out[offset + i] = v;
    }
  }
  return out;
}
