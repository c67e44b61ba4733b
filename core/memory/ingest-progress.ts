/**
 * How far an ingestion is and when it will be done, from counts and elapsed time. Pure
 * (workflow-safe): the ingestion workflow answers its `progress` query with it, and the eval
 * prints it while it ingests.
 */
export interface ProgressFigures {
  /** Documents finished (ready, unchanged or failed) of all. */
  documentsDone: number;
  documentsTotal: number;
  /** Chunks embedded, of those known so far (a document's chunks are known once it is read). */
  chunksDone: number;
  chunksTotal: number;
  /** Chunks embedded per second since the start. */
  chunksPerSecond: number;
  /** 0..1: documents done, refined by the chunks of documents under way. */
  fraction: number;
  /** Seconds left at the current rate; null until a rate is known. */
  etaSeconds: number | null;
  elapsedSeconds: number;
}

export function progressFigures(input: { startedAtMs: number; nowMs: number; documentsDone: number; documentsTotal: number; chunksDone: number; chunksTotal: number; chunksAtStart?: number }): ProgressFigures {
  const elapsed = Math.max(0, (input.nowMs - input.startedAtMs) / 1000);
  // Chunks that were already embedded (unchanged documents, a resumed run) cost no time.
  const worked = input.chunksDone - (input.chunksAtStart ?? 0);
  const rate = elapsed > 0 ? worked / elapsed : 0;
  const docs = input.documentsTotal === 0 ? 1 : input.documentsDone / input.documentsTotal;
  const chunkShare = input.chunksTotal === 0 ? docs : input.chunksDone / input.chunksTotal;
  // Chunk counts are only known for documents read so far: the remaining documents are
  // assumed to be like the ones seen, so the fraction is the smaller of both views.
  const fraction = input.documentsDone >= input.documentsTotal ? 1 : Math.min(chunkShare, (input.documentsDone + chunkShare) / (input.documentsTotal + 1), 0.999);
  let eta: number | null = null;
  if (fraction >= 1) eta = 0;
  else if (rate > 0 && fraction > 0) eta = (elapsed / fraction) * (1 - fraction);
  return {
    documentsDone: input.documentsDone,
    documentsTotal: input.documentsTotal,
    chunksDone: input.chunksDone,
    chunksTotal: input.chunksTotal,
    chunksPerSecond: Number(rate.toFixed(2)),
    fraction: Number(fraction.toFixed(4)),
    etaSeconds: eta === null ? null : Math.round(eta),
    elapsedSeconds: Number(elapsed.toFixed(1)),
  };
}

/** One line for a terminal: a bar, percentages, rate and ETA. */
export function progressLine(p: Pick<ProgressFigures, 'fraction' | 'documentsDone' | 'documentsTotal' | 'chunksDone' | 'chunksTotal' | 'chunksPerSecond' | 'etaSeconds'>, width = 24): string {
  const filled = Math.round(p.fraction * width);
  const eta = p.etaSeconds === null ? '--' : p.etaSeconds >= 60 ? `${Math.floor(p.etaSeconds / 60)}m${String(p.etaSeconds % 60).padStart(2, '0')}s` : `${p.etaSeconds}s`;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(p.fraction * 100).toFixed(1).padStart(5)}%  docs ${p.documentsDone}/${p.documentsTotal}  chunks ${p.chunksDone}/${p.chunksTotal}  ${p.chunksPerSecond.toFixed(1)} chunks/s  ETA ${eta}`;
}
