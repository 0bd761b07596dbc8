import Synchronization

/// A process-wide set of idle ``Workspace``s that kernels borrow for the length of one call, so that
/// concurrent callers (and the tasks of one parallel kernel) each get their own scratch memory
/// without allocating it again every call. Idle workspaces keep their high-water memory (at most
/// one per concurrently running kernel task), which is the price of allocation-free steady state.
enum ScratchCache {
    private static let idle = Mutex<[Workspace]>([])

    /// Runs `body` with a workspace that no one else uses meanwhile, reset before it is returned.
    static func withWorkspace<Result>(_ body: (Workspace) throws -> Result) rethrows -> Result {
        let workspace = idle.withLock { $0.popLast() } ?? Workspace()
        defer {
            workspace.reset()
            idle.withLock { $0.append(workspace) }
        }
        return try body(workspace)
    }
}
