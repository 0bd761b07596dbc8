import Foundation
import Synchronization

/// A persistent pool of worker threads that runs data-parallel loops: ``parallelFor(_:_:)``.
///
/// Workers are created once (when the pool is made, or when ``threadCount`` grows) and then sleep on
/// a condition variable between loops, after spinning briefly so that back-to-back loops (one per
/// layer of a network) do not pay a wake-up each. The calling thread takes part in every loop, so a
/// pool of `n` threads owns `n - 1` workers.
///
/// A loop submitted while the pool is already running one (a nested call from inside a loop body,
/// or a call from another thread) runs serially on the calling thread instead of waiting: this can
/// never deadlock, and the outer loop already keeps the cores busy.
public final class ThreadPool: Sendable {
    /// The pool kernels use by default: one thread per active processor.
    public static let shared = ThreadPool(threadCount: ProcessInfo.processInfo.activeProcessorCount)

    private let state: ThreadPoolState
    private let workers = Mutex<[Thread]>([])

    /// Creates a pool that runs loops on `threadCount` threads, the caller's included.
    public init(threadCount: Int) {
        state = ThreadPoolState(threadCount: max(threadCount, 1))
        spawnWorkers(upTo: max(threadCount, 1) - 1)
    }

    deinit { state.shutDown() }

    /// Threads (the caller's included) that a loop runs on. Raising it starts workers; lowering it
    /// leaves the surplus ones asleep.
    public var threadCount: Int {
        get { state.threadCount.load(ordering: .relaxed) }
        set {
            let count = max(newValue, 1)
            spawnWorkers(upTo: count - 1)
            state.threadCount.store(count, ordering: .relaxed)
        }
    }

    /// Calls `body(i)` for every `i` in `0..<count`, spread over the pool's threads; returns when all
    /// calls have returned. Calls run concurrently, in no particular order: they must write disjoint
    /// memory. Give each call a coarse piece of work (a block of rows, a channel), not one element.
    public func parallelFor(_ count: Int, _ body: (Int) -> Void) {
        let helpers = min(threadCount, count) - 1
        guard helpers > 0, state.tryAcquire() else {
            for index in 0..<count { body(index) }
            return
        }
        withoutActuallyEscaping(body) { body in
            state.run(count: count, helpers: helpers, body: body)
        }
        state.release()
    }

    private func spawnWorkers(upTo workerCount: Int) {
        workers.withLock { workers in
            while workers.count < workerCount {
                // The worker waits for loops published after this point; none before it counts on it.
                let thread = Thread { [state, index = workers.count, seen = state.currentGeneration] in
                    state.workerLoop(index: index, seenGeneration: seen)
                }
                thread.name = "fathom-kernels-\(workers.count)"
                thread.start()
                workers.append(thread)
            }
        }
    }
}

/// The state a ``ThreadPool`` shares with its workers (kept apart so that workers do not keep the
/// pool alive).
///
/// A worker joins a loop only while the loop is open, and the submitter waits only for the workers
/// that joined: once the submitter has run out of indices it closes the loop, so a worker that the
/// scheduler has not run yet (on a busy machine, for a whole time slice) never holds the loop up.
///
/// `@unchecked Sendable` because it guards itself: `generation` and `isShutDown` only change under
/// `wake`'s lock; the job fields (`body`, `count`, `helpers`) are written by the one submitter that
/// holds `isBusy` before it opens the loop (a release store of `joined`), read by workers only after
/// they joined it (an acquiring compare-exchange on `joined`), and cleared only after every worker
/// that joined has finished (`finishedHelpers`).
final class ThreadPoolState: @unchecked Sendable {
    let threadCount: Atomic<Int>
    private let isBusy = Atomic<Bool>(false)

    private let wake = NSCondition()
    private var generation = 0
    private var isShutDown = false
    private let publishedGeneration = Atomic<Int>(0)

    private var body: ((Int) -> Void)?
    private var count = 0
    private var helpers = 0
    private let nextIndex = Atomic<Int>(0)
    /// Workers that joined the current loop, plus ``closed`` once it no longer admits any.
    private let joined = Atomic<Int>(0)
    private let finishedHelpers = Atomic<Int>(0)
    private let finished = NSCondition()
    private static let closed = 1 << 40

    /// How long a thread polls for its next event before it sleeps on a condition variable: long
    /// enough to bridge the gaps between the loops of one network pass, since waking a sleeping thread
    /// costs tens of microseconds (more on a virtual machine).
    private static let spinNanoseconds: UInt64 = 100_000

    init(threadCount: Int) { self.threadCount = Atomic(threadCount) }

    func tryAcquire() -> Bool {
        isBusy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
    }

    func release() { isBusy.store(false, ordering: .releasing) }

    /// Publishes a loop to `helpers` workers, takes part in it, and waits for the helpers.
    func run(count: Int, helpers: Int, body: @escaping (Int) -> Void) {
        self.body = body
        self.count = count
        self.helpers = helpers
        nextIndex.store(0, ordering: .relaxed)
        finishedHelpers.store(0, ordering: .relaxed)
        joined.store(0, ordering: .releasing)
        wake.lock()
        generation += 1
        publishedGeneration.store(generation, ordering: .releasing)
        wake.broadcast()
        wake.unlock()

        runShare()
        waitForHelpers()
        self.body = nil
    }

    func shutDown() {
        wake.lock()
        isShutDown = true
        wake.broadcast()
        wake.unlock()
    }

    var currentGeneration: Int { publishedGeneration.load(ordering: .acquiring) }

    func workerLoop(index: Int, seenGeneration: Int) {
        var seen = seenGeneration
        while true {
            Self.spin { publishedGeneration.load(ordering: .acquiring) == seen }
            wake.lock()
            while generation == seen && !isShutDown { wake.wait() }
            if isShutDown { wake.unlock(); return }
            seen = generation
            wake.unlock()
            guard join() else { continue }
            if index < helpers { runShare() }
            finishedHelpers.add(1, ordering: .releasing)
            finished.lock()
            finished.signal()
            finished.unlock()
        }
    }

    /// Takes loop indices until none are left. Not inlined, so that its copy of `body` is released
    /// before the caller checks in (the submitter requires `body` to be uniquely referenced again).
    @inline(never)
    private func runShare() {
        guard let body else { return }
        while true {
            let index = nextIndex.wrappingAdd(1, ordering: .relaxed).oldValue
            if index >= count { return }
            body(index)
        }
    }

    /// Joins the current loop if it is still open.
    private func join() -> Bool {
        var state = joined.load(ordering: .relaxed)
        while state < Self.closed {
            let (exchanged, original) = joined.compareExchange(
                expected: state, desired: state + 1, successOrdering: .acquiring, failureOrdering: .relaxed)
            if exchanged { return true }
            state = original
        }
        return false
    }

    /// Closes the loop (all its indices are taken) and waits for the workers that joined it.
    private func waitForHelpers() {
        let helpers = joined.bitwiseOr(Self.closed, ordering: .acquiringAndReleasing).oldValue
        Self.spin { finishedHelpers.load(ordering: .acquiring) < helpers }
        finished.lock()
        while finishedHelpers.load(ordering: .acquiring) < helpers { finished.wait() }
        finished.unlock()
    }

    /// Polls `condition` until it is false or ``spinNanoseconds`` have passed. Yields the processor
    /// now and then, so that a thread the scheduler put on the same core (which may be the very one
    /// being waited for) gets to run.
    @inline(__always)
    private static func spin(while condition: () -> Bool) {
        let deadline = DispatchTime.now().uptimeNanoseconds + spinNanoseconds
        var polls = 0
        while condition() {
            polls += 1
            if polls % 1024 == 0 {
                if DispatchTime.now().uptimeNanoseconds > deadline { return }
                sched_yield()
            }
        }
    }
}
