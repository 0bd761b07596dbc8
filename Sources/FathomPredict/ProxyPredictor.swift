import FathomGraph
import FathomSpaces

/// A cost proxy turned into milliseconds by a line fitted to a device's samples: `ms = intercept + slope · proxy`.
///
/// The proxies are FathomGraph's counts (NAS-Bench-201's way): FLOPs (multiply-adds, dead layers included), live
/// FLOPs (only layers that reach the output), parameters. The line is the least-squares fit; where that slope is
/// not positive (a proxy that does not track the device at all on the samples), the line through the origin and
/// the samples' means is used instead, so that predictions always rank architectures as the proxy does.
public struct ProxyPredictor: LatencyPredictor {
    /// The cost a proxy counts.
    public enum Proxy: String, Sendable, Codable, CaseIterable {
        case flops, liveFlops = "live-flops", params

        /// The count for one architecture.
        public func value(_ arch: Architecture, in space: SearchSpace) throws -> Double {
            let graph = try NetworkGraph(space: space, arch: arch)
            switch self {
            case .flops: return Double(graph.flops)
            case .liveFlops: return Double(graph.liveFlops)
            case .params: return Double(graph.parameters)
            }
        }
    }

    /// The saved state: the proxy and its line.
    public struct Model: Sendable, Codable, Equatable {
        public let proxy: Proxy
        public let slope: Double
        public let intercept: Double
    }

    public static let kind = "proxy"
    public let space: SearchSpace
    public let model: Model
    public var id: String { model.proxy.rawValue }

    public init(model: Model, space: SearchSpace) {
        self.model = model
        self.space = space
    }

    /// Fits the line of `proxy` to measured `latencies` (ms) of `archs`.
    ///
    /// - Throws: `GraphError` for an architecture the space cannot build.
    public init(proxy: Proxy, space: SearchSpace, archs: [Architecture], latencies: [Double]) throws {
        precondition(archs.count == latencies.count && !archs.isEmpty, "ProxyPredictor: \(archs.count) archs for \(latencies.count) latencies")
        let x = try archs.map { try proxy.value($0, in: space) }
        let meanX = x.reduce(0, +) / Double(x.count), meanY = latencies.reduce(0, +) / Double(x.count)
        let covariance = zip(x, latencies).reduce(0) { $0 + ($1.0 - meanX) * ($1.1 - meanY) }
        let variance = x.reduce(0) { $0 + ($1 - meanX) * ($1 - meanX) }
        var slope = variance > 0 ? covariance / variance : 0
        var intercept = meanY - slope * meanX
        if !(slope > 0) {
            slope = meanX > 0 ? meanY / meanX : 1
            intercept = 0
        }
        self.init(model: Model(proxy: proxy, slope: slope, intercept: intercept), space: space)
    }

    public func predict(_ archs: [Architecture]) throws -> [Double] {
        try archs.map { model.intercept + model.slope * (try model.proxy.value($0, in: space)) }
    }
}
