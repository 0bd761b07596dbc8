import Testing
@testable import FathomKernels

@Suite struct GEMMTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var m: Int, n: Int, k: Int
        var transposeA = false, transposeB = false
        var alpha: Float = 1, beta: Float = 0
        var padding = 0  // extra elements per row, to exercise leading dimensions

        var testDescription: String {
            "\(m)x\(n)x\(k) tA=\(transposeA) tB=\(transposeB) alpha=\(alpha) beta=\(beta) pad=\(padding)"
        }
    }

    static let cases: [Case] = [
        Case(m: 1, n: 1, k: 1),
        Case(m: 7, n: 13, k: 5),
        Case(m: 33, n: 65, k: 17),
        Case(m: 6, n: 16, k: 8),
        Case(m: 12, n: 32, k: 300),  // two depth blocks
        Case(m: 24, n: 64, k: 9, beta: 1),  // whole AVX-512 tiles
        Case(m: 25, n: 47, k: 260, transposeB: true, alpha: 0.5, beta: -1),  // partial AVX-512 tiles, two depth blocks
        Case(m: 150, n: 20, k: 3),    // two row blocks
        Case(m: 33, n: 65, k: 17, transposeA: true),
        Case(m: 33, n: 65, k: 17, transposeB: true),
        Case(m: 19, n: 23, k: 29, transposeA: true, transposeB: true),
        Case(m: 33, n: 65, k: 17, alpha: 0.5, beta: 2),
        Case(m: 9, n: 40, k: 11, alpha: -1.5, beta: 1),
        Case(m: 31, n: 47, k: 13, transposeA: true, transposeB: true, alpha: 2, beta: -0.5, padding: 3),
        Case(m: 70, n: 90, k: 70, padding: 5),  // large enough to run on several threads
        // Matrix-vector products, in every transposition.
        Case(m: 1, n: 37, k: 29, alpha: 2, beta: 0.5, padding: 2),
        Case(m: 1, n: 37, k: 29, transposeA: true, padding: 2),
        Case(m: 1, n: 37, k: 29, transposeB: true, beta: 1),
        Case(m: 1, n: 37, k: 29, transposeA: true, transposeB: true, padding: 1),
        Case(m: 37, n: 1, k: 29, alpha: -1, beta: 2, padding: 3),
        Case(m: 37, n: 1, k: 29, transposeA: true, padding: 1),
        Case(m: 37, n: 1, k: 29, transposeB: true, padding: 2),
        Case(m: 37, n: 1, k: 29, transposeA: true, transposeB: true),
        Case(m: 1, n: 2000, k: 70),  // large enough to split over threads
        Case(m: 5, n: 7, k: 0, beta: 3),
        Case(m: 5, n: 7, k: 4, alpha: 0, beta: 0.5),
    ]

    @Test(arguments: cases)
    func matchesNaiveTripleLoop(_ testCase: Case) {
        let (m, n, k) = (testCase.m, testCase.n, testCase.k)
        let aRows = testCase.transposeA ? k : m, aColumns = testCase.transposeA ? m : k
        let bRows = testCase.transposeB ? n : k, bColumns = testCase.transposeB ? k : n
        let lda = max(aColumns, 1) + testCase.padding
        let ldb = max(bColumns, 1) + testCase.padding
        let ldc = n + testCase.padding
        var random = TestRandom(seed: UInt64(m * 10_000 + n * 100 + k))
        let a = random.array(max(aRows, 1) * lda), b = random.array(max(bRows, 1) * ldb)
        let c0 = random.array(m * ldc)

        var expected = c0
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k {
                    let aValue = testCase.transposeA ? a[p * lda + i] : a[i * lda + p]
                    let bValue = testCase.transposeB ? b[j * ldb + p] : b[p * ldb + j]
                    sum += Double(aValue) * Double(bValue)
                }
                expected[i * ldc + j] = Float(Double(testCase.alpha) * sum + Double(testCase.beta) * Double(c0[i * ldc + j]))
            }
        }

        // Every micro-kernel this processor runs (AVX2's 6×16 tile; AVX-512's 12×32 where the processor has it).
        for isa in KernelISA.allCases where isa.isSupported {
            for pool in [nil, ThreadPool(threadCount: 3)] {
                var c = c0
                sgemm(
                    transposeA: testCase.transposeA, transposeB: testCase.transposeB, m: m, n: n, k: k,
                    alpha: testCase.alpha, a: a, lda: lda, b: b, ldb: ldb, beta: testCase.beta,
                    c: &c, ldc: ldc, pool: pool, isa: isa)
                #expect(maxRelativeError(c, expected) < 1e-5, "\(isa), pool: \(pool?.threadCount ?? 1) threads")
            }
        }
    }

    @Test func betaZeroIgnoresNaNsInC() {
        let a: [Float] = [1, 2], b: [Float] = [3, 4]
        var c: [Float] = [.nan]
        sgemm(m: 1, n: 1, k: 2, a: a, lda: 2, b: b, ldb: 1, c: &c, ldc: 1)
        #expect(c == [11])
    }

    @Test func threadTilesCoverCExactlyOnce() {
        for (m, n, threads) in [(100, 100, 2), (6, 1000, 4), (1000, 16, 3), (37, 53, 6)] {
            let tiles = GemmThreading.tiles(m: m, n: n, k: 1000, threads: threads, tile: GemmTile(.avx512))
            #expect(tiles.count <= threads)
            var covered = [Int](repeating: 0, count: m * n)
            for tile in tiles {
                for i in tile.rows { for j in tile.columns { covered[i * n + j] += 1 } }
            }
            #expect(covered.allSatisfy { $0 == 1 })
        }
    }

    @Test func blocksAreBalancedAndCoverTheRange() {
        let blocks = GemmProblem.blocks(of: 3..<303, maxSize: 256, granule: 1)
        #expect(blocks == [3..<153, 153..<303])
        #expect(GemmProblem.blocks(of: 0..<0, maxSize: 8, granule: 2).isEmpty)
    }
}
