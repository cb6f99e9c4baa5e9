// Per-channel difference between two RGBA buffers of the same size, shared by
// the format corpus's test and its benchmark: {worst, mean} in levels.
export function pixelDifference(reference, rgba) {
  let sum = 0;
  let worst = 0;
  for (let i = 0; i < reference.length; i++) {
    const d = Math.abs(reference[i] - rgba[i]);
    sum += d;
    if (d > worst) worst = d;
  }
  return { worst, mean: sum / reference.length };
}
