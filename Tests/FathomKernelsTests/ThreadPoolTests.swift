import Synchronization
import Testing
@testable import FathomKernels

@Suite struct ThreadPoolTests {
    @Test(arguments: [1, 2, 3, 8])
    func parallelForVisitsEveryIndexOnce(threads: Int) {
        let pool = ThreadPool(threadCount: threads)
        for count in [0, 1, 2, 5, 100] {
            let visits = UnsafeMutableBufferPointer<Int>.allocate(capacity: count)
            defer { visits.deallocate() }
            visits.initialize(repeating: 0)
            pool.parallelFor(count) { visits[$0] += 1 }
            #expect(visits.allSatisfy { $0 == 1 })
        }
    }

    @Test func manyBackToBackLoopsAllComplete() {
        let pool = ThreadPool(threadCount: 4)
        let total = Counter()
        for _ in 0..<2000 {
            pool.parallelFor(4) { total.value.add($0, ordering: .relaxed) }
        }
        #expect(total.value.load(ordering: .relaxed) == 2000 * 6)
    }

    @Test func nestedLoopsRunSeriallyWithoutDeadlock() {
        let pool = ThreadPool(threadCount: 2)
        let total = Counter()
        pool.parallelFor(3) { _ in
            pool.parallelFor(5) { _ in total.value.add(1, ordering: .relaxed) }
        }
        #expect(total.value.load(ordering: .relaxed) == 15)
    }

    @Test func threadCountCanChange() {
        let pool = ThreadPool(threadCount: 1)
        pool.threadCount = 3
        #expect(pool.threadCount == 3)
        let total = Counter()
        pool.parallelFor(64) { total.value.add($0, ordering: .relaxed) }
        #expect(total.value.load(ordering: .relaxed) == 64 * 63 / 2)
        pool.threadCount = 0
        #expect(pool.threadCount == 1)
    }

    @Test func concurrentSubmittersAllComplete() async {
        let pool = ThreadPool(threadCount: 2)
        let total = Counter()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    for _ in 0..<200 { pool.parallelFor(8) { _ in total.value.add(1, ordering: .relaxed) } }
                }
            }
        }
        #expect(total.value.load(ordering: .relaxed) == 4 * 200 * 8)
    }
}

/// A shared counter that concurrent test closures can capture.
private final class Counter: Sendable {
    let value = Atomic<Int>(0)
}
