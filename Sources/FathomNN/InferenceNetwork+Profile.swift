import FathomGraph

extension InferenceNetwork {
    /// The graph layers the compiled steps compute, in execution order: `stepLayerIDs[i]` is the id in `graph.layers`
    /// of step `i`. A convolution whose batch norm was folded into it is one step, the convolution's layer; layers that
    /// compile to no step (a folded norm, an input) do not appear.
    public var stepLayerIDs: [Int] { stepLayers }

    /// Runs the network like `run()`, calling `afterStep(i)` right after step `i` finished, so that a profiler can
    /// read a clock between steps.
    public func run(afterStep: (Int) -> Void) {
        for (index, step) in steps.enumerated() {
            step.execute(buffers, pool: pool)
            afterStep(index)
        }
    }
}
