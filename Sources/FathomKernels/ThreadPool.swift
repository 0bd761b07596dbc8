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
/// `@unchecked Sendable` because it guards itself: `generation` and `isShutDown` only change under
/// `wake`'s lock; the job fields (`body`, `count`, `helpers`) are written by the one submitter that
/// holds `isBusy`, before it publishes the new generation (release) and read by workers after they
/// see it (acquire), and the submitter clears them only after every helper has checked in through
/// `pendingHelpers`.
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
    private let pendingHelpers = Atomic<Int>(0)
    private let finished = NSCondition()

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
        pendingHelpers.store(helpers, ordering: .relaxed)
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
            guard index < helpers else { continue }
            runShare()
            if pendingHelpers.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 {
                finished.lock()
                finished.signal()
                finished.unlock()
            }
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

    private func waitForHelpers() {
        Self.spin { pendingHelpers.load(ordering: .acquiring) > 0 }
        finished.lock()
        while pendingHelpers.load(ordering: .acquiring) > 0 { finished.wait() }
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
