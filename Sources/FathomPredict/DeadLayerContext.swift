import FathomSpaces

/// Whether a device dropped dead layers when it measured, as adapted predictors record it: a device that did ran
/// every cell's live equivalent (``SearchSpace/liveEquivalent(_:)``), so measured and predicted architectures alike
/// are taken as that network.
public enum DeadLayerContext {
    /// The flag a model file records: true when the device dropped dead layers in a space that has them (cell
    /// spaces), nil otherwise (absent from the file).
    public static func flag(dropsDeadLayers: Bool, space: SearchSpace) -> Bool? {
        guard dropsDeadLayers, case .cell = space.family else { return nil }
        return true
    }

    /// What the device ran for `archs`.
    public static func executed(_ archs: [Architecture], space: SearchSpace, dropsDeadLayers: Bool?) -> [Architecture] {
        dropsDeadLayers == true ? archs.map(space.liveEquivalent) : archs
    }
}
