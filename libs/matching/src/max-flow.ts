/**
 * Maximum number of coachees that can be matched using only pairs of weight >= minWeight: a capacitated
 * bipartite matching solved Hopcroft–Karp style (BFS layers from the free coachees, then layered DFS
 * augmentations), which the maximin objective calls once per candidate threshold.
 */
export function maxCardinality(
  coacheeCount: number,
  capacity: Int32Array,
  start: Int32Array,
  coach: Int32Array,
  weight: Int32Array,
  minWeight: number,
): number {
  const n = coacheeCount;
  const m = capacity.length;
  const slotStart = new Int32Array(m + 1);
  for (let j = 0; j < m; j++) slotStart[j + 1] = slotStart[j] + capacity[j];
  const slotCoachee = new Int32Array(slotStart[m]);
  const count = new Int32Array(m);
  const coachOf = new Int32Array(n).fill(-1);
  const slotOf = new Int32Array(n).fill(-1);
  let matched = 0;

  // Greedy start: most coachees find a free coach directly.
  for (let i = 0; i < n; i++) {
    for (let a = start[i]; a < start[i + 1]; a++) {
      const k = coach[a];
      if (weight[a] < minWeight || count[k] >= capacity[k]) continue;
      const s = slotStart[k] + count[k]++;
      slotCoachee[s] = i;
      slotOf[i] = s;
      coachOf[i] = k;
      matched++;
      break;
    }
  }

  const INF = 0x7fffffff;
  const layer = new Int32Array(n);
  const queue = new Int32Array(n);
  const arcIt = new Int32Array(n);
  const slotIt = new Int32Array(n);
  const stack = new Int32Array(n);

  for (;;) {
    // BFS over coachees; a coach is passed through to the coachees it holds.
    let head = 0;
    let tail = 0;
    for (let i = 0; i < n; i++) {
      if (coachOf[i] < 0) {
        layer[i] = 0;
        queue[tail++] = i;
      } else layer[i] = INF;
    }
    let found = false;
    while (head < tail) {
      const i = queue[head++];
      for (let a = start[i]; a < start[i + 1]; a++) {
        const k = coach[a];
        if (weight[a] < minWeight || k === coachOf[i]) continue;
        if (count[k] < capacity[k]) {
          found = true;
          continue;
        }
        for (let s = slotStart[k]; s < slotStart[k] + count[k]; s++) {
          const i2 = slotCoachee[s];
          if (layer[i2] === INF) {
            layer[i2] = layer[i] + 1;
            queue[tail++] = i2;
          }
        }
      }
    }
    if (!found) return matched;

    for (let i = 0; i < n; i++) {
      arcIt[i] = start[i];
      slotIt[i] = 0;
    }
    let augmented = 0;
    for (let root = 0; root < n; root++) {
      if (coachOf[root] >= 0 || layer[root] !== 0) continue;
      let depth = 0;
      stack[depth++] = root;
      while (depth > 0) {
        const i = stack[depth - 1];
        const a = arcIt[i];
        if (a >= start[i + 1]) {
          layer[i] = INF;
          depth--;
          continue;
        }
        const k = coach[a];
        if (weight[a] < minWeight || k === coachOf[i]) {
          arcIt[i]++;
          slotIt[i] = 0;
          continue;
        }
        if (count[k] < capacity[k]) {
          // Augment: the deepest coachee takes the free slot, each one above takes its successor's slot.
          let slot = slotStart[k] + count[k]++;
          let target = k;
          for (let d = depth - 1; d >= 0; d--) {
            const x = stack[d];
            const prevSlot = slotOf[x];
            const prevCoach = coachOf[x];
            slotCoachee[slot] = x;
            slotOf[x] = slot;
            coachOf[x] = target;
            slot = prevSlot;
            target = prevCoach;
          }
          matched++;
          augmented++;
          break;
        }
        const s = slotIt[i];
        if (s >= count[k]) {
          arcIt[i]++;
          slotIt[i] = 0;
          continue;
        }
        slotIt[i] = s + 1;
        const i2 = slotCoachee[slotStart[k] + s];
        if (layer[i2] === layer[i] + 1) stack[depth++] = i2;
      }
    }
    if (augmented === 0) return matched;
  }
}
