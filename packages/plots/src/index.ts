/**
 * @tactus/plots — dependency-free SVG strings for Tactus results: the analysis overview
 * (onset envelope + beats, tempo curve, meter probabilities) and confusion matrices.
 * Inputs are plain data, so the package depends on no other Tactus package.
 */
export {
  type AnalysisPlotInput,
  type AnalysisPlotOptions,
  analysisPlot,
  type PlotBeat,
  type PlotMeterProbability,
  type PlotSection,
  type PlotTempoPoint,
} from "./analysis.js";
export { type ConfusionMatrixInput, type ConfusionMatrixOptions, confusionMatrixSvg } from "./confusion.js";
export { escapeXml } from "./svg.js";
