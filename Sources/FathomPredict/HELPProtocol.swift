import FathomSpaces
/// The search spaces HELP published latencies for.
public enum HELPSpace: String, CaseIterable, Sendable, Codable {
    case nasbench201, fbnet, ofa

    /// The HELP space (and data folder) of a Fathom space, if HELP published latencies for it.
    public init?(of space: SearchSpace) {
        switch space.name {
        case "nasbench201": self = .nasbench201
        case "fbnet": self = .fbnet
        case "ofa-mbv3", "ofa": self = .ofa
        default: return nil
        }
    }
}

/// HELP's evaluation protocol for one search space: which devices train, select and test a predictor, which
/// architectures a device may be adapted on and which it is tested on, and the outlier trimming of both pools.
///
/// Verified against HELP's code (github.com/HayeonLee/HELP, commit 45f70eb):
/// - Device split: `parser.py` defaults (nasbench201) and `script/run_meta_*_{fbnet,ofa}.sh` (fbnet, ofa).
/// - Pools: `loader.py`, `Data.__init__`: the adaptation pool is `arange(N)[:num_meta_train_sample]` and the test
///   queries `arange(N)[nts : nts + num_query]`, with `num_meta_train_sample` 900 (nasbench201) or 4000 (fbnet, ofa)
///   and `num_query` 1000. Indices are positions in the latency lists, which are the `arch_index` values here.
/// - Trimming: also `Data.__init__`, when `remove_outlier` (the default): `idx[argsort(latency[idx])[int(n*0.1):int(n*0.9)]]`,
///   a slice of the latency order, bounds from Python's `int()` (truncation), lower inclusive, upper exclusive:
///   900 → 720 (positions 90..<810), 1000 → 800, 4000 → 3200. See ``trimmedToCentralPercentiles(rows:latencies:)`` for ties.
public struct HELPProtocol: Sendable, Equatable {
    /// The space the protocol is for.
    public let space: HELPSpace
    /// Devices a predictor is meta-trained on.
    public let metaTrainDevices: [String]
    /// Devices used to select a model (early stopping, hyper-parameters).
    public let metaValidDevices: [String]
    /// Unseen devices for the final figures (held out of this project's copy of the data).
    public let metaTestDevices: [String]
    /// The `arch_index` values a device may be adapted (or a baseline trained) on, before trimming.
    public private(set) var adaptationPool: Range<Int>
    /// The `arch_index` values a device is evaluated on, before trimming.
    public private(set) var testQueries: Range<Int>

    /// HELP's default protocol for `space`, with every device HELP names (some are absent from our data).
    public init(space: HELPSpace) {
        self.space = space
        self.testQueries = space == .nasbench201 ? 900..<1900 : 4000..<5000
        self.adaptationPool = 0..<testQueries.lowerBound
        switch space {
        case .nasbench201:
            metaTrainDevices = ["1080ti_1", "1080ti_32", "1080ti_256", "silver_4114", "silver_4210r", "samsung_a50",
                                "pixel3", "essential_ph_1", "samsung_s7"]
            metaValidDevices = ["titanx_1", "titanx_32", "titanx_256", "gold_6240"]
            metaTestDevices = ["titan_rtx_256", "gold_6226", "fpga", "pixel2", "raspi4", "eyeriss"]
        case .fbnet:
            metaTrainDevices = ["1080ti_1", "1080ti_32", "1080ti_64", "silver_4114", "silver_4210r", "samsung_a50",
                                "pixel3", "essential_ph_1", "samsung_s7"]
            metaValidDevices = ["titanx_1", "titanx_32", "titanx_64", "gold_6240"]
            metaTestDevices = ["fpga", "raspi4", "eyeriss"]
        case .ofa:
            metaTrainDevices = ["2080ti_1", "2080ti_32", "2080ti_64", "titan_xp_1", "titan_xp_32", "titan_xp_64",
                                "v100_1", "v100_32", "v100_64"]
            metaValidDevices = ["titan_rtx_1", "titan_rtx_32"]
            metaTestDevices = ["titan_rtx_64"]
        }
    }

    private init(_ base: HELPProtocol, keeping isKept: (String) -> Bool) {
        space = base.space
        metaTrainDevices = base.metaTrainDevices.filter(isKept)
        metaValidDevices = base.metaValidDevices.filter(isKept)
        metaTestDevices = base.metaTestDevices.filter(isKept)
        adaptationPool = base.adaptationPool
        testQueries = base.testQueries
    }

    /// The same protocol with only the devices that `table` has a column for. On this project's copy of the
    /// data the meta-test lists come out empty: those devices are held out on purpose.
    public func restricted(toDevicesOf table: LatencyTable) -> HELPProtocol {
        let present = Set(table.devices)
        return HELPProtocol(self, keeping: present.contains)
    }

    /// The same devices with other index ranges for the adaptation pool and the test queries.
    public func with(pool: Range<Int>, queries: Range<Int>) -> HELPProtocol {
        var copy = self
        copy.adaptationPool = pool
        copy.testQueries = queries
        return copy
    }

    /// The rows of `table` in the adaptation pool that survive trimming on `device`, in ascending row order.
    ///
    /// - Throws: `PredictError.unknownDevice`, or `.missingArchIndex` if the table lacks part of the pool.
    public func adaptationRows(device: String, in table: LatencyTable) throws -> [Int] {
        try trimmedRows(of: adaptationPool, device: device, in: table)
    }

    /// The rows of `table` among the test queries that survive trimming on `device`, in ascending row order.
    ///
    /// - Throws: `PredictError.unknownDevice`, or `.missingArchIndex` if the table lacks part of the queries.
    public func testRows(device: String, in table: LatencyTable) throws -> [Int] {
        try trimmedRows(of: testQueries, device: device, in: table)
    }

    private func trimmedRows(of archIndices: Range<Int>, device: String, in table: LatencyTable) throws -> [Int] {
        let latencies = try table.latencies(device: device)
        let rows = try archIndices.map { try table.row(ofArchIndex: $0) }
        return Self.trimmedToCentralPercentiles(rows: rows, latencies: latencies)
    }

    /// HELP's outlier trimming: the rows ranked `Int(n·0.1) ..< Int(n·0.9)` by latency, returned in ascending
    /// row order.
    ///
    /// Latencies are compared after rounding to `Float`, as HELP holds them in a `torch.FloatTensor` (on FBNet
    /// this makes distinct latencies tie on 13 devices). Ties are ranked by row. HELP ranks them with numpy's
    /// default (unstable) `argsort`, so where ties straddle a cut point (always on the whole-millisecond devices
    /// essential_ph_1, samsung_a50, samsung_s7) the tied architectures kept may differ from HELP's, though the
    /// kept latencies are the same multiset.
    ///
    /// - Complexity: O(n log n).
    public static func trimmedToCentralPercentiles(rows: [Int], latencies: [Double]) -> [Int] {
        let byLatency = rows.sorted { (Float(latencies[$0]), $0) < (Float(latencies[$1]), $1) }
        let lower = Int(Double(rows.count) * 0.1)
        let upper = Int(Double(rows.count) * 0.9)
        return byLatency[lower..<upper].sorted()
    }
}
