#!/usr/bin/env bash
# The calibration runs behind scenarios/CALIBRATION.md: the historical run of the 2019
# scenario, one run without each backer, sweeps over Turkey's support, a
# hard-against-hard run, the 2014 scenario, the 2020 Karabakh scenario with and without
# each of its backers, then a comparison table. Every simulate run
# is counted against its scenario's dated checkpoints (NAME.targets.yaml). Every run
# is seeded, so the figures come out the same on any machine; only the time it takes
# differs (about 5 minutes on two cores at the default sizes).
#
#   scripts/calibrate.sh [OUT]          (or: make calibrate)
#   GAMES=400 CF_GAMES=200 MINOR_GAMES=60 SWEEP_GAMES=60 HARD_GAMES=40 GAMES_2014=200 GAMES_2020=400 JOBS=2
set -euo pipefail
OUT=${1:-out/calibration}
SANDTABLE=${SANDTABLE:-sandtable}
SCENARIO=${SCENARIO:-scenarios/tripoli_2019.yaml}
GAMES=${GAMES:-400}
CF_GAMES=${CF_GAMES:-200}
MINOR_GAMES=${MINOR_GAMES:-60}
SWEEP_GAMES=${SWEEP_GAMES:-60}
HARD_GAMES=${HARD_GAMES:-40}
GAMES_2014=${GAMES_2014:-200}
GAMES_2020=${GAMES_2020:-400}
JOBS=${JOBS:-2}
AI=(--ai gna=normal --ai lna=normal)
COMMON=(--jobs "$JOBS" --no-progress --overwrite)

run() { echo "== $*" >&2; "$SANDTABLE" "$@"; }

run simulate "$SCENARIO" --games "$GAMES" "${AI[@]}" "${COMMON[@]}" --out "$OUT/historical"
for backer in turkey russia uae; do
  run simulate "$SCENARIO" --games "$CF_GAMES" "${AI[@]}" "${COMMON[@]}" --without "$backer" --out "$OUT/without-$backer"
done
for backer in qatar egypt france jordan sudan_chad saudi; do
  run simulate "$SCENARIO" --games "$MINOR_GAMES" "${AI[@]}" "${COMMON[@]}" --without "$backer" --out "$OUT/without-$backer"
done
run sweep "$SCENARIO" --games "$SWEEP_GAMES" "${AI[@]}" "${COMMON[@]}" \
  --set backers.turkey.commitment=0,15,25,40,60 --out "$OUT/sweep-turkey"
run sweep "$SCENARIO" --games "$SWEEP_GAMES" "${AI[@]}" "${COMMON[@]}" \
  --set backers.turkey.packages.syrians.cap=0,3,6,10 --out "$OUT/sweep-syrians"
run sweep "$SCENARIO" --games "$SWEEP_GAMES" "${AI[@]}" "${COMMON[@]}" \
  --set backers.turkey.budget_per_turn=0,3,6,15 --out "$OUT/sweep-turkey-budget"
run sweep "$SCENARIO" --games "$SWEEP_GAMES" "${AI[@]}" "${COMMON[@]}" \
  --set backers.turkey.packages.tb2_anka.cap=0,1,2,3 --out "$OUT/sweep-turkey-drones"
run sweep "$SCENARIO" --games "$SWEEP_GAMES" "${AI[@]}" "${COMMON[@]}" \
  --set backers.turkey.packages.tb2.cap=0,1,2,3,4,5 --out "$OUT/sweep-turkey-first-drones"
# hard@1: one rollout of each judgement a turn and no clock, so the run is the same on any
# machine (hard:MS would be cut short by its time budget on a slow one).
run simulate "$SCENARIO" --games "$HARD_GAMES" --ai gna=hard@1 --ai lna=hard@1 "${COMMON[@]}" --out "$OUT/hard-vs-hard"
run simulate scenarios/dignity_2014.yaml --games "$GAMES_2014" "${COMMON[@]}" --out "$OUT/dignity-2014"
# The 2020 Karabakh war: the historical run and one without each backer (seconds each).
run simulate scenarios/karabakh_2020.yaml --games "$GAMES_2020" "${COMMON[@]}" --out "$OUT/karabakh-2020"
for backer in turkey israel russia diaspora; do
  run simulate scenarios/karabakh_2020.yaml --games "$GAMES_2020" "${COMMON[@]}" --without "$backer" \
    --out "$OUT/karabakh-2020-without-$backer"
done
run compare "$OUT/historical" "$OUT"/without-* --baseline "$OUT/historical" \
  --place tripoli --place al_watiya --place tarhuna --markdown "$OUT/compare.md"
