/**
 * A binary min-heap of node indices keyed by a shared `dist` array, with decrease-key: the Dijkstra queue of the
 * shortest-path engines. Ties go to the lower `rank` (or the lower index when no rank is given), so searches are
 * deterministic.
 */
export class IndexedMinHeap {
  private readonly items: Int32Array;
  private readonly pos: Int32Array;
  size = 0;

  constructor(
    capacity: number,
    private readonly dist: Float64Array,
    private readonly rank: Int32Array | null = null,
  ) {
    this.items = new Int32Array(capacity);
    this.pos = new Int32Array(capacity);
  }

  /** Adds a node not in the heap. */
  push(x: number): void {
    this.items[this.size] = x;
    this.siftUp(this.size++);
  }

  /** Restores order after `dist[x]` was lowered for a node in the heap. */
  decreased(x: number): void {
    this.siftUp(this.pos[x]);
  }

  /** The node with the smallest key (the heap must not be empty). */
  peek(): number {
    return this.items[0];
  }

  /** Removes and answers the node with the smallest key. */
  pop(): number {
    const items = this.items;
    const pos = this.pos;
    const top = items[0];
    const x = items[--this.size];
    const size = this.size;
    let p = 0;
    for (;;) {
      let c = 2 * p + 1;
      if (c >= size) break;
      if (c + 1 < size && this.less(items[c + 1], items[c])) c++;
      const y = items[c];
      if (!this.less(y, x)) break;
      items[p] = y;
      pos[y] = p;
      p = c;
    }
    if (size > 0) {
      items[p] = x;
      pos[x] = p;
    }
    return top;
  }

  clear(): void {
    this.size = 0;
  }

  private less(a: number, b: number): boolean {
    const dist = this.dist;
    if (dist[a] !== dist[b]) return dist[a] < dist[b];
    return this.rank ? this.rank[a] < this.rank[b] : a < b;
  }

  private siftUp(p: number): void {
    const items = this.items;
    const pos = this.pos;
    const x = items[p];
    while (p > 0) {
      const parent = (p - 1) >> 1;
      const y = items[parent];
      if (!this.less(x, y)) break;
      items[p] = y;
      pos[y] = p;
      p = parent;
    }
    items[p] = x;
    pos[x] = p;
  }
}
