import FathomSpaces

extension MetaLearnedModel {
    /// A device's data for adaptation: its embedding and the support set with normalised targets.
    struct Task: Sendable {
        let hardware: [Float]
        let support: ArchitectureBatch
        let targets: [Float]

        /// A task's arrays as pointers, for the passes of a ``NetworkLayout``.
        struct View {
            let support: ArchitectureBatch.View
            /// Dangling when the embedding is empty (a layout without the hardware branch).
            let hardware: UnsafePointer<Float>
            let targets: UnsafePointer<Float>
        }

        /// Calls `body` with pointers to the task's arrays (valid only during the call); the support set must not be empty.
        func withView<R>(_ body: (View) throws -> R) rethrows -> R {
            precondition(targets.count == support.rows, "task: \(targets.count) targets for \(support.rows) architectures")
            return try support.withView { batch in
                try targets.withUnsafeBufferPointer { t in
                    try hardware.withUnsafeBufferPointer { h in
                        try body(View(support: batch, hardware: h.baseAddress ?? t.baseAddress!, targets: t.baseAddress!))
                    }
                }
            }
        }
    }

    /// The scratch slots of the inner loop and the meta-gradient (``ScratchMemory`` slots above the network passes').
    enum MetaSlot {
        /// `v`, the gradient with respect to the current inner-loop iterate.
        static let v = NetworkLayout.scratchSlots
        /// `α ⊙ v`, then `H (α ⊙ v)`.
        static let u = NetworkLayout.scratchSlots + 1
        /// `θ ± r u` in the Hessian-vector product, and the support-loss gradients there.
        static let shifted = NetworkLayout.scratchSlots + 2
        static let plus = NetworkLayout.scratchSlots + 3
        static let minus = NetworkLayout.scratchSlots + 4
        /// The inner loop's `k`-th iterate (0: the modulated start) and the support-loss gradient there.
        static func visited(_ k: Int) -> Int { NetworkLayout.scratchSlots + 8 + 2 * k }
        static func gradient(_ k: Int) -> Int { NetworkLayout.scratchSlots + 9 + 2 * k }
    }

    /// The inner loop on `task` from the modulated parameters in slot ``MetaSlot/visited(_:)`` 0 of `scratch`:
    /// `innerSteps` steps `θ ← θ − α ⊙ ∇L_support(θ)`, every iterate and gradient left in its slot.
    func innerLoop(task: Task.View, scratch: ScratchMemory) {
        let n = layout.parameterCount
        innerRates.withUnsafeBufferPointer { rates in
            for step in 0..<settings.innerSteps {
                let theta = scratch.buffer(MetaSlot.visited(step), count: n)
                let gradient = scratch.buffer(MetaSlot.gradient(step), count: n)
                _ = layout.lossAndGradient(theta, batch: task.support, hardware: task.hardware, targets: task.targets,
                                           scratch: scratch, gradient: gradient)
                let next = scratch.buffer(MetaSlot.visited(step + 1), count: n)
                for i in 0..<n { next[i] = theta[i] - rates[i] * gradient[i] }
            }
        }
    }

    /// θ after the inner loop on `task` from modulated parameters `start`: `innerSteps` steps
    /// `θ ← θ − α ⊙ ∇L_support(θ)`; also every visited θ and gradient, first to last (for the meta-gradient).
    func innerLoop(from start: [Float], task: Task) -> (visited: [[Float]], gradients: [[Float]]) {
        let n = layout.parameterCount
        precondition(start.count == n, "innerLoop: \(start.count) parameters, expected \(n)")
        let scratch = ScratchMemory()
        scratch.buffer(MetaSlot.visited(0), count: n).update(from: start, count: n)
        task.withView { innerLoop(task: $0, scratch: scratch) }
        func copy(_ slot: Int) -> [Float] { Array(UnsafeBufferPointer(start: scratch.buffer(slot, count: n), count: n)) }
        return ((0...settings.innerSteps).map { copy(MetaSlot.visited($0)) }, (0..<settings.innerSteps).map { copy(MetaSlot.gradient($0)) })
    }

    /// The parameters adapted to a device, one set per posterior sample (`mcSamples`), the samples drawn from `seed`.
    func adapt(hardware: [Float], support: ArchitectureBatch, targets: [Float], seed: UInt64) -> [[Float]] {
        var random = SeededGenerator(seed: seed)
        let task = Task(hardware: hardware, support: support, targets: targets)
        let scratch = ScratchMemory(), n = layout.parameterCount
        return (0..<settings.mcSamples).map { _ in
            let noise = random.normals(count: encoder.zSize)
            modulate(by: modulation(hardware: hardware, noise: noise).z, into: scratch.buffer(MetaSlot.visited(0), count: n))
            task.withView { innerLoop(task: $0, scratch: scratch) }
            return Array(UnsafeBufferPointer(start: scratch.buffer(MetaSlot.visited(settings.innerSteps), count: n), count: n))
        }
    }

    /// Normalised predictions for `batch`: the mean over the adapted parameter sets (each set's predictions computed
    /// in parallel, summed in order).
    func predict(adapted: [[Float]], batch: ArchitectureBatch, hardware: [Float]) -> [Float] {
        let pool = ScratchPool(), layout = layout
        let predictions = parallelMap(adapted.indices) { index in
            pool.withScratch { layout.predict(adapted[index], batch: batch, hardware: hardware, scratch: $0) }
        }
        var sum = [Float](repeating: 0, count: batch.rows)
        for prediction in predictions {
            for (index, value) in prediction.enumerated() { sum[index] += value }
        }
        return sum.map { $0 / Float(adapted.count) }
    }
}
