// V8 heap limit for every serving process (npm start, the image, bench/serving, bench/deploy and serving's own tests set
// NODE_OPTIONS to this; the cluster's workers inherit it). Without it V8 lets the old generation grow to
// ~140 MB, mostly garbage, before a full collection, and a worker's RSS passed the 300 MB it must stay under:
// 305–308 MB over 30 s at 800 turns/s then 10 s of saturation, serving alone. Live data after a collection is
// 55–70 MB, and ONNX Runtime, the model and the code ~130 MB outside the heap. With the old generation capped
// at 144 MB the same runs peaked at 221–228 MB, at the same CPU per turn within the runs' noise (0.70 against
// 0.71 ms at 800/s, 0.22 against 0.23 ms at saturation, in the quieter of two rounds; halving the young
// generation too saved ~10 MB more and cost CPU at saturation). Measured 2026-12-06, load average ~2.
export const SERVING_NODE_OPTIONS = '--max-old-space-size=144';
