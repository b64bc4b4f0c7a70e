// LEMON NetworkSimplex baseline for the Tandem matching bench.
// Reads: n m E, then m capacities, then E lines "i j w" (integer weights); builds the same network as
// libs/matching (coachee -> coach arcs cost -(M + w), coach -> sink with capacity, coachee -> sink cost 0),
// times only run(), and prints one JSON line: solveMs, matched, totalWeight.
#include <lemon/smart_graph.h>
#include <lemon/network_simplex.h>
#include <chrono>
#include <cstdio>
#include <vector>

using namespace lemon;

int main(int argc, char** argv) {
  if (argc < 2) { std::fprintf(stderr, "usage: network-simplex FILE\n"); return 2; }
  FILE* f = std::fopen(argv[1], "r");
  if (!f) { std::perror(argv[1]); return 2; }
  long long n, m, e;
  if (std::fscanf(f, "%lld %lld %lld", &n, &m, &e) != 3) return 2;
  std::vector<long long> cap(m);
  for (auto& c : cap) if (std::fscanf(f, "%lld", &c) != 1) return 2;
  std::vector<int> ai(e), aj(e);
  std::vector<long long> aw(e), best(n, 0);
  for (long long x = 0; x < e; x++) {
    if (std::fscanf(f, "%d %d %lld", &ai[x], &aj[x], &aw[x]) != 3) return 2;
    if (aw[x] > best[ai[x]]) best[ai[x]] = aw[x];
  }
  std::fclose(f);
  long long M = 1;
  for (auto b : best) M += b;

  SmartDigraph g;
  g.reserveNode(n + m + 1);
  g.reserveArc(e + n + m);
  std::vector<SmartDigraph::Node> coachee(n), coach(m);
  for (auto& v : coachee) v = g.addNode();
  for (auto& v : coach) v = g.addNode();
  SmartDigraph::Node sink = g.addNode();
  SmartDigraph::ArcMap<long long> lower(g, 0), upper(g), cost(g);
  SmartDigraph::NodeMap<long long> supply(g, 0);
  std::vector<SmartDigraph::Arc> pairArc(e);
  for (long long x = 0; x < e; x++) {
    auto a = g.addArc(coachee[ai[x]], coach[aj[x]]);
    upper[a] = 1;
    cost[a] = -(M + aw[x]);
    pairArc[x] = a;
  }
  for (long long i = 0; i < n; i++) {
    auto a = g.addArc(coachee[i], sink);
    upper[a] = 1;
    cost[a] = 0;
    supply[coachee[i]] = 1;
  }
  for (long long j = 0; j < m; j++) {
    auto a = g.addArc(coach[j], sink);
    upper[a] = cap[j] < n ? cap[j] : n;
    cost[a] = 0;
  }
  supply[sink] = -n;

  NetworkSimplex<SmartDigraph, long long, long long> ns(g);
  ns.upperMap(upper).costMap(cost).supplyMap(supply);
  auto t0 = std::chrono::steady_clock::now();
  auto status = ns.run();
  auto t1 = std::chrono::steady_clock::now();
  if (status != NetworkSimplex<SmartDigraph, long long, long long>::OPTIMAL) { std::fprintf(stderr, "not optimal\n"); return 1; }
  long long matched = 0, total = 0;
  for (long long x = 0; x < e; x++) if (ns.flow(pairArc[x]) > 0) { matched++; total += aw[x]; }
  double ms = std::chrono::duration<double, std::milli>(t1 - t0).count();
  std::printf("{\"solveMs\":%.3f,\"matched\":%lld,\"totalWeight\":%lld}\n", ms, matched, total);
  return 0;
}
