/// The linear-minimisation oracle of Frank-Wolfe search (HardCoRe-NAS, Nayman et al. 2021): maximise a linear
/// objective over a product of probability simplices (one per gene) cut by one linear constraint (the expected
/// latency within budget). This is the LP relaxation of the multiple-choice knapsack problem, solved exactly by
/// Sinha & Zoltners (Operations Research 1979): per gene keep the upper convex hull of (cost, gain) points, start
/// every gene at its cheapest hull point, then buy the hull increments in decreasing order of gain per cost until
/// the capacity is used; the last increment may be fractional, so at most one gene mixes two choices.
enum SimplexKnapsackOracle {
    /// The maximiser `x` (flat in `layout`, each gene's columns on the simplex) of `Σ gains·x` subject to
    /// `Σ costs·x <= capacity`, or nil when even the cheapest choices exceed the capacity.
    /// - Complexity: O(N log N) for N choices in all.
    static func maximise(gains: [Double], costs: [Double], capacity: Double, layout: ChoiceLayout) -> [Double]? {
        var x = Array(repeating: 0.0, count: layout.width)
        var increments: [(slope: Double, gene: Int, from: Int, to: Int, cost: Double)] = []
        var remaining = capacity
        for gene in 0..<layout.genes {
            let hull = upperHull(gains: gains, costs: costs, columns: layout.columns(gene))
            x[hull[0]] = 1
            remaining -= costs[hull[0]]
            for (from, to) in zip(hull, hull.dropFirst()) {
                let cost = costs[to] - costs[from]
                increments.append(((gains[to] - gains[from]) / cost, gene, from, to, cost))
            }
        }
        let tolerance = 1e-12 * max(1, abs(capacity))
        guard remaining >= -tolerance else { return nil }
        // Within a gene the slopes decrease along its hull, so this order buys each gene's increments in turn.
        increments.sort { ($0.slope, -$0.gene, -$0.cost) > ($1.slope, -$1.gene, -$1.cost) }
        for step in increments where remaining > 0 {
            let fraction = min(1, remaining / step.cost)
            x[step.from] -= fraction
            x[step.to] += fraction
            remaining -= fraction * step.cost
        }
        return x
    }

    /// The columns on the upper-left convex hull of (cost, gain), by increasing cost: the cheapest (most gainful
    /// among equally cheap) first, then only points that add gain at a decreasing rate.
    private static func upperHull(gains: [Double], costs: [Double], columns: Range<Int>) -> [Int] {
        let order = columns.sorted { (costs[$0], -gains[$0], $0) < (costs[$1], -gains[$1], $1) }
        var hull: [Int] = []
        for i in order {
            if let last = hull.last, gains[i] <= gains[last] { continue }
            while hull.count >= 2 {
                let a = hull[hull.count - 2], b = hull[hull.count - 1]
                // Drop b when it lies on or below the segment a→i.
                let cross = (costs[b] - costs[a]) * (gains[i] - gains[a]) - (gains[b] - gains[a]) * (costs[i] - costs[a])
                if cross >= 0 { hull.removeLast() } else { break }
            }
            hull.append(i)
        }
        return hull
    }
}
