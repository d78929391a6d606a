/**
 * Confusion matrix as a heat map: rows are true classes, columns predicted ones, each cell shows
 * its count and is coloured by its share of the row (so rare classes are as readable as common
 * ones); per-class recall on the right.
 */
import { el, group, num, svgDocument, text, textWidth } from "./svg.js";

export interface ConfusionMatrixInput {
  /** Classes of the rows (true labels); also the columns unless `predictedLabels` is given. */
  labels: readonly string[];
  /** Column labels when they differ from the rows, e.g. the classes plus "none". */
  predictedLabels?: readonly string[];
  /** counts[true][predicted]. */
  counts: readonly (readonly number[])[];
  title: string;
}

export interface ConfusionMatrixOptions {
  /** Side of one cell in pixels. Default 56. */
  cellSize?: number;
}

/** White → deep blue, by share of the row in [0, 1]. */
function shade(share: number): string {
  const from = [255, 255, 255];
  const to = [8, 69, 148];
  const c = from.map((f, k) => Math.round(f + (to[k]! - f) * share));
  return `#${c.map((v) => v.toString(16).padStart(2, "0")).join("")}`;
}

const count = (v: number | undefined) => (v !== undefined && Number.isFinite(v) && v > 0 ? v : 0);

const rowTotal = (row: readonly number[], columns: number) => row.slice(0, columns).reduce((s, v) => s + count(v), 0);

/** "76.9%  (40/52)": the diagonal over the row total ("–" for an empty row or a class with no column). */
function recallOf(row: readonly number[], i: number, columns: number): string {
  const total = rowTotal(row, columns);
  return total > 0 && i < columns ? `${((100 * count(row[i])) / total).toFixed(1)}%  (${count(row[i])}/${total})` : "–";
}

/** SVG of a confusion matrix. Recall of row i is counts[i][i] over the row's total. */
export function confusionMatrixSvg(input: ConfusionMatrixInput, options: ConfusionMatrixOptions = {}): string {
  const rows = input.labels;
  const cols = input.predictedLabels ?? input.labels;
  const cell = options.cellSize ?? 56;
  const fontSize = Math.max(9, Math.min(14, Math.round(cell / 4)));
  const labelW = Math.max(...rows.map((l) => textWidth(l, 13)), 20);
  const left = 40 + labelW + 12;
  const top = 64;
  const gridW = cols.length * cell;
  const gridH = rows.length * cell;
  const colLabelW = Math.max(...cols.map((l) => textWidth(l, 13)), 20);
  // Column labels turn vertical when they would not fit in a cell.
  const rotate = colLabelW > cell - 6;
  const bottom = top + gridH + (rotate ? colLabelW + 16 : 24) + 20;
  const titleW = textWidth(input.title, 16) + 32;
  const recalls = rows.map((_, i) => recallOf(input.counts[i] ?? [], i, cols.length));
  const recallW = 12 + Math.max(textWidth("recall", 13), ...recalls.map((r) => textWidth(r, 12))) + 16;
  const width = Math.ceil(Math.max(left + gridW + recallW, titleW));
  const height = Math.ceil(bottom + 12);

  const body: string[] = [text(16, 28, input.title, { "font-size": 16, "font-weight": "bold", fill: "#222222" })];
  body.push(text(16, 48, "colour: share of the true class (row); numbers: counts", { "font-size": 11, fill: "#777777" }));

  const cells: string[] = [];
  rows.forEach((_, i) => {
    const row = input.counts[i] ?? [];
    const total = rowTotal(row, cols.length);
    cols.forEach((_c, j) => {
      const n = count(row[j]);
      const share = total > 0 ? n / total : 0;
      const x = left + j * cell;
      const y = top + i * cell;
      cells.push(el("rect", { class: i === j ? "cell diagonal" : "cell", x, y, width: cell, height: cell, fill: shade(share), stroke: "#ffffff", "stroke-width": 1 }));
      cells.push(text(x + cell / 2, y + cell / 2 + fontSize * 0.35, String(n), {
        class: "count",
        "text-anchor": "middle",
        "font-size": fontSize,
        "font-weight": i === j ? "bold" : undefined,
        fill: n === 0 ? "#bbbbbb" : share > 0.5 ? "#ffffff" : "#222222",
      }));
    });
    cells.push(text(left + gridW + 12, top + i * cell + cell / 2 + 4, recalls[i]!, { class: "recall", "font-size": 12, fill: "#222222" }));
  });
  body.push(group({ class: "cells" }, cells));
  body.push(el("rect", { x: left, y: top, width: gridW, height: gridH, fill: "none", stroke: "#888888" }));

  const axes: string[] = [];
  rows.forEach((l, i) => {
    axes.push(text(left - 8, top + i * cell + cell / 2 + 4, l, { "text-anchor": "end", "font-size": 13, fill: "#222222" }));
  });
  cols.forEach((l, j) => {
    const cx = left + j * cell + cell / 2;
    const cy = top + gridH + 16;
    axes.push(
      rotate
        ? text(cx + 4, top + gridH + 8, l, { "text-anchor": "end", "font-size": 13, fill: "#222222", transform: `rotate(-90 ${num(cx + 4)} ${num(top + gridH + 8)})` })
        : text(cx, cy, l, { "text-anchor": "middle", "font-size": 13, fill: "#222222" }),
    );
  });
  const midY = top + gridH / 2;
  axes.push(text(20, midY, "true", { "text-anchor": "middle", "font-size": 13, "font-weight": "bold", fill: "#444444", transform: `rotate(-90 20 ${num(midY)})` }));
  axes.push(text(left + gridW / 2, bottom, "predicted", { "text-anchor": "middle", "font-size": 13, "font-weight": "bold", fill: "#444444" }));
  axes.push(text(left + gridW + 12, top - 8, "recall", { "font-size": 13, "font-weight": "bold", fill: "#444444" }));
  body.push(group({ class: "axes" }, axes));
  return svgDocument(width, height, input.title, body);
}
