export {
  DBN_DOWNBEAT_DEFAULTS,
  type DbnBeat,
  type DbnDecodeResult,
  type DbnDownbeatOptions,
  decodeBeatsDownbeats,
} from "./dbn/decode.js";
