#!/usr/bin/env bash
# Independent evaluation set: accompaniments from MMA's *stdlib* grooves (never used for training or
# tuning in this project), rendered with FluidSynth, written as a folder dataset for `tactus eval`.
#
#   scripts/mma-stdlib-eval.sh OUT_DIR            # then:
#   tactus warm --data-dir OUT_DIR -w 2 && tactus eval --data-dir OUT_DIR --split all --limit 0
#
# Needs the Debian packages mma, fluidsynth and fluid-soundfont-gm; installs nothing.
# Meters: every stdlib groove in 3/4 (the waltzes), 5/4 (jazz-54), and a fixed, alphabetical
# selection of 4/4 grooves (every 4th of them), each at two tempos; 6/8 and 2/4 grooves are left
# out (no such class), and so is a 3/4 groove described as 6/8. Labels come from each groove file's
# `Time` line; the groove played is the file's first `DefGroove`.
set -euo pipefail
out=${1:?usage: $0 OUT_DIR}
lib=/usr/share/mma/lib/stdlib
sf=${TACTUS_SOUNDFONT:-/usr/share/sounds/sf2/FluidR3_GM.sf2}
for tool in mma fluidsynth; do
  command -v "$tool" >/dev/null || { echo "$0: needs '$tool' (apt-get install mma fluidsynth fluid-soundfont-gm); nothing installed" >&2; exit 2; }
done
[ -f "$sf" ] || { echo "$0: sound font $sf missing (apt-get install fluid-soundfont-gm)" >&2; exit 2; }
[ -d "$lib" ] || { echo "$0: MMA stdlib not found at $lib" >&2; exit 2; }
mkdir -p "$out/audio" "$out/mma"
printf 'file\tmeter\tdenominator\tbpm\tgroove\n' > "$out/labels.tsv"
n4=0
for f in "$lib"/*.mma; do
  stem=$(basename "$f" .mma)
  meter=$( (grep -m1 -i '^ *Time ' "$f" || true) | awk '{print $2}')
  case "$meter" in
    3|5) ;;
    4) n4=$((n4 + 1)); [ $((n4 % 4)) -eq 1 ] || continue ;;
    *) continue ;;
  esac
  case "$stem" in metronome*|none) continue ;; esac
  # A groove in 3/4 that its own description calls 6/8 (afro-cuban) has no single class: left out.
  if head -n 12 "$f" | grep -q '6/8'; then continue; fi
  groove=$( (grep -m1 -i '^ *DefGroove ' "$f" || true) | awk '{print $2}')
  [ -n "$groove" ] || continue
  for bpm in 92 132; do
    id="mma-${stem}-${bpm}"
    bars=$(( (24 * bpm + 60 * meter - 1) / (60 * meter) ))   # ≥ 24 s of music
    {
      echo "Tempo $bpm"
      echo "Groove $groove"
      chords=(C Am F G Dm G7 C C)
      for ((b = 1; b <= bars; b++)); do echo "$b ${chords[$(( (b - 1) % 8 ))]}"; done
    } > "$out/mma/$id.mma"
    if ! mma -f "$out/mma/$id.mid" "$out/mma/$id.mma" > "$out/mma/$id.log" 2>&1; then
      echo "skipped $id: mma failed (see $out/mma/$id.log)" >&2; continue
    fi
    fluidsynth -ni -g 0.6 -r 22050 -F "$out/audio/$id.wav" "$sf" "$out/mma/$id.mid" > /dev/null 2>&1
    printf 'audio/%s.wav\t%s\t4\t%s\t%s\n' "$id" "$meter" "$bpm" "$stem" >> "$out/labels.tsv"
  done
done
echo "wrote $(($(wc -l < "$out/labels.tsv") - 1)) clips to $out" >&2
