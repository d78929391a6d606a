import { synthesizeClip } from "@tactus/datasets";
import { audioBlock, analyzeClip, subBlockRange, A2_BPM_VALUES, tempoCandidates, librosaTempo, SALIENCE_METERS } from "../dist/index.js";
const sr=22050;
for (const [num,bpm,inst] of [[4,90,"drums"],[4,120,"drums"],[4,150,"drums"],[3,120,"drums"],[4,120,"drums"],[3,200,"drums"],[4,200,"drums"],[3,100,"percussion"],[4,100,"percussion"]]) {
  let t0=performance.now();
  const c = synthesizeClip({numerator:num, denominator:4, bpm, durationSec:20, seed:7, instrumentation:inst});
  const ts=performance.now()-t0; t0=performance.now();
  const a = analyzeClip(c.samples, sr);
  const f = audioBlock(c.samples, sr, {analysis:a});
  const te=performance.now()-t0;
  const A2=f.subarray(1024,1088); let best=0; for(let i=0;i<64;i++) if(A2[i]>A2[best]) best=i;
  const plateau=[]; for(let i=0;i<64;i++) if(A2[i]===A2[best]) plateau.push(A2_BPM_VALUES[i].toFixed(1));
  const tc=tempoCandidates(a.tempogramMean,sr,512,()=>librosaTempo(a.onsetEnvelope));
  const A8=Array.from(f.subarray(1440,1449)).map(v=>v.toFixed(2)).join(" ");
  console.log(num,bpm,inst,`synth ${ts.toFixed(0)}ms feat ${te.toFixed(0)}ms`, "A2 plateau", plateau.join(","), "tempos", tc.map(x=>x.toFixed(1)).join(","), "A8", A8);
}
