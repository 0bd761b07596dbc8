import Foundation

/// One network timed on one device in one context: the unit the store keeps and the agent returns.
public struct NetworkMeasurement: Codable, Equatable, Sendable {
    /// The space's name (`nasbench201`).
    public var space: String
    /// The architecture's canonical string.
    public var arch: String
    /// The device id (`DeviceFingerprint.id`).
    public var device: String
    public var context: MeasurementContext
    /// Median, p10/p90, the median's 95% interval, runs and outliers.
    public var summary: TimingSummary
    /// False when a time or run cap stopped the timing before the interval reached ±2%.
    public var converged: Bool
    /// Seconds the timing took, warm-up included (shared by the networks of an interleaved group).
    public var seconds: Double
    /// The device's calibration when the network was timed (reuse checks drift against it).
    public var calibration: Calibration
    public var measuredAt: Date
    /// The per-layer profile, when one was asked for.
    public var profile: LayerProfile?

    /// A measurement with every field given.
    public init(space: String, arch: String, device: String, context: MeasurementContext, summary: TimingSummary, converged: Bool,
                seconds: Double, calibration: Calibration, measuredAt: Date, profile: LayerProfile?) {
        self.space = space
        self.arch = arch
        self.device = device
        self.context = context
        self.summary = summary
        self.converged = converged
        self.seconds = seconds
        self.calibration = calibration
        self.measuredAt = measuredAt
        self.profile = profile
    }
}

/// A device as an agent reports it: fingerprint, id and a fresh calibration.
public struct DeviceReport: Codable, Equatable, Sendable {
    public let id: String
    public let fingerprint: DeviceFingerprint
    public let calibration: Calibration

    /// Pairs a fingerprint with a calibration taken now.
    public init(fingerprint: DeviceFingerprint, calibration: Calibration) {
        self.id = fingerprint.id
        self.fingerprint = fingerprint
        self.calibration = calibration
    }
}

/// What to measure: architectures of one space, in one context, under one timing policy.
public struct MeasurementRequest: Codable, Equatable, Sendable {
    /// A built-in space name or a path to a space JSON file, as the agent will load it.
    public var space: String
    /// Architecture strings; they are timed interleaved, round by round.
    public var archs: [String]
    public var batch: Int
    public var threads: Int
    public var keepsDeadEdges: Bool
    public var policy: TimingPolicy
    /// Whether to add a per-layer profile to each measurement.
    public var perLayer: Bool

    /// A request; the kernel build is the agent's own and comes back in each measurement's context.
    public init(space: String, archs: [String], batch: Int, threads: Int, keepsDeadEdges: Bool, policy: TimingPolicy, perLayer: Bool) {
        self.space = space
        self.archs = archs
        self.batch = batch
        self.threads = threads
        self.keepsDeadEdges = keepsDeadEdges
        self.policy = policy
        self.perLayer = perLayer
    }
}

/// Something that can time networks on a device: this machine (`LocalAgent`) or another one (`RemoteAgent`).
public protocol MeasurementAgent: AnyObject {
    /// The device's fingerprint and a fresh calibration.
    func device() throws -> DeviceReport
    /// Times the request's architectures, one measurement each, in request order.
    func measure(_ request: MeasurementRequest) throws -> [NetworkMeasurement]
}
