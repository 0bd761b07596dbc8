/// Non-dominated sorting and crowding distance on (accuracy max, latency min), as NSGA-II defines them
/// (Deb et al., IEEE TEVC 2002).
enum ParetoSorting {
    /// Whether `a` is at least as good as `b` in both objectives and better in one.
    static func dominates(_ a: Candidate, _ b: Candidate) -> Bool {
        a.score >= b.score && a.latency.ms <= b.latency.ms && (a.score > b.score || a.latency.ms < b.latency.ms)
    }

    /// The fronts of `items` as index lists, best first (Deb's fast non-dominated sort).
    /// - Complexity: O(n²).
    static func fronts(_ items: [Candidate]) -> [[Int]] {
        var dominatedBy = Array(repeating: 0, count: items.count)
        var dominates = Array(repeating: [Int](), count: items.count)
        for i in items.indices {
            for j in items.indices where i != j {
                if Self.dominates(items[i], items[j]) { dominates[i].append(j) }
                else if Self.dominates(items[j], items[i]) { dominatedBy[i] += 1 }
            }
        }
        var fronts: [[Int]] = []
        var current = items.indices.filter { dominatedBy[$0] == 0 }
        while !current.isEmpty {
            fronts.append(current)
            var next: [Int] = []
            for i in current {
                for j in dominates[i] {
                    dominatedBy[j] -= 1
                    if dominatedBy[j] == 0 { next.append(j) }
                }
            }
            current = next.sorted()
        }
        return fronts
    }

    /// The crowding distance of each member of `front` (aligned with it): the normalised perimeter of the cuboid its
    /// neighbours in the front span; the extremes of each objective get infinity.
    static func crowding(_ items: [Candidate], front: [Int]) -> [Double] {
        var distance = Array(repeating: 0.0, count: front.count)
        let objectives: [(Candidate) -> Double] = [\.score, \.latency.ms]
        for objective in objectives {
            let order = front.indices.sorted { objective(items[front[$0]]) < objective(items[front[$1]]) }
            guard let low = order.first, let high = order.last else { continue }
            distance[low] = .infinity
            distance[high] = .infinity
            let span = objective(items[front[high]]) - objective(items[front[low]])
            guard span > 0, order.count > 2 else { continue }
            for k in 1..<(order.count - 1) {
                distance[order[k]] += (objective(items[front[order[k + 1]]]) - objective(items[front[order[k - 1]]])) / span
            }
        }
        return distance
    }
}
