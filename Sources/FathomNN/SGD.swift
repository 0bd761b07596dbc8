import FathomKernels

/// Stochastic gradient descent with momentum (optionally Nesterov's) and L2 weight decay, as
/// PyTorch's `torch.optim.SGD` computes it: `g = ∇ + λw` (decaying buffers only), `v = μv + g`,
/// `w −= lr · (nesterov ? g + μv : v)`.
public final class SGD: @unchecked Sendable {
    /// A learned buffer, its gradient and whether weight decay applies to it.
    public struct Parameter {
        public let value: AlignedBuffer
        public let gradient: AlignedBuffer
        public let decays: Bool

        public init(value: AlignedBuffer, gradient: AlignedBuffer, decays: Bool) {
            self.value = value
            self.gradient = gradient
            self.decays = decays
        }
    }

    public let parameters: [Parameter]
    /// One velocity per parameter (part of a checkpoint).
    public let velocities: [AlignedBuffer]
    public var momentum: Float
    public var nesterov: Bool
    public var weightDecay: Float

    public init(parameters: [Parameter], momentum: Float, nesterov: Bool, weightDecay: Float) {
        self.parameters = parameters
        velocities = parameters.map { AlignedBuffer(count: $0.value.count) }
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
    }

    /// One update with learning rate `rate`, of the parameters whose `active` entry is true (all when nil).
    public func step(rate: Float, active: [Bool]? = nil) {
        for (index, (p, v)) in zip(parameters, velocities).enumerated() where active?[index] ?? true {
            let w = p.value.baseAddress, g = p.gradient.baseAddress, velocity = v.baseAddress
            let decay = p.decays ? weightDecay : 0
            for i in 0..<p.value.count {
                let d = g[i] + decay * w[i]
                velocity[i] = momentum * velocity[i] + d
                w[i] -= rate * (nesterov ? d + momentum * velocity[i] : velocity[i])
            }
        }
    }

    /// The optimizer's parameters for a standalone network: every learned buffer with its gradient.
    public static func parameters(of network: TrainingNetwork) -> [Parameter] {
        zip(network.parameters.layers, network.gradients).flatMap { p, g in
            zip(p.learned, g.all).map { Parameter(value: $0.buffer, gradient: $1, decays: $0.decays) }
        }
    }
}
