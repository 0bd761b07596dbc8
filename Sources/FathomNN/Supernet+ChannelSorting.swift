import FathomKernels

extension Supernet {
    /// Once-for-All's channel importance sorting (`re_organize_middle_weights`): in every elastic block the middle
    /// (expanded) channels are reordered by the L1 norm of the project conv's weights reading them, largest first,
    /// so that a smaller expand ratio, which takes the first channels, keeps the most important ones. Every layer
    /// touching the middle channels is permuted alike (expand conv and its norm, depthwise conv and its norm, the SE
    /// convs, the project conv), and so are the optimizer's velocities (`velocity(of:)`), so the network computes
    /// the same function afterwards.
    public func sortMiddleChannels(velocity: (AlignedBuffer) -> AlignedBuffer?) {
        for project in keys where project.hasPrefix("s") && project.hasSuffix(".project.conv") {
            let prefix = String(project.dropLast(".project.conv".count))
            let p = layers[project]!, g = p.geometry!, w = p.parameters.weights!.baseAddress
            let importance = (0..<g.inner).map { i in (0..<g.out).reduce(Float(0)) { $0 + abs(w[$1 * g.inner + i]) } }
            let order = importance.indices.sorted { importance[$0] > importance[$1] || (importance[$0] == importance[$1] && $0 < $1) }
            func apply(_ buffer: AlignedBuffer?, rows: Int, columns: Int, alongRows: Bool) {
                guard let buffer else { return }
                for b in [buffer, velocity(buffer)].compactMap({ $0 }) {
                    let old = Array(UnsafeBufferPointer(start: b.baseAddress, count: b.count))
                    let width = b.count / (rows * columns)
                    old.withUnsafeBufferPointer { source in
                        for r in 0..<rows { for c in 0..<columns {
                            let (sr, sc) = alongRows ? (order[r], c) : (r, order[c])
                            (b.baseAddress + (r * columns + c) * width).update(from: source.baseAddress! + (sr * columns + sc) * width, count: width)
                        } }
                    }
                }
            }
            func rows(_ key: String) {
                guard let l = layers[prefix + key] else { return }
                let m = order.count
                for b in l.parameters.allBuffers { apply(b, rows: m, columns: 1, alongRows: true) }
            }
            func columns(_ key: String) {
                guard let l = layers[prefix + key], let geometry = l.geometry else { return }
                apply(l.parameters.weights, rows: geometry.out, columns: order.count, alongRows: false)
            }
            ["expand.conv", "expand.bn", "depthwise.conv", "depthwise.bn", "se.expand"].forEach { rows("." + $0) }
            ["se.reduce", "project.conv"].forEach { columns("." + $0) }
        }
    }
}
