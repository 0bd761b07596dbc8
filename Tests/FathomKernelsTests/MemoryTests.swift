import Testing
@testable import FathomKernels

@Suite struct MemoryTests {
    @Test func alignedBufferIsAlignedAndZeroed() {
        for count in [0, 1, 7, 64, 1000] {
            let buffer = AlignedBuffer(count: count)
            #expect(Int(bitPattern: buffer.baseAddress) % AlignedBuffer.alignment == 0)
            #expect(buffer.pointer.allSatisfy { $0 == 0 })
        }
    }

    @Test func workspaceSlicesAreAlignedAndDisjoint() {
        let workspace = Workspace(capacity: 100)
        let first = workspace.allocate(3)
        let second = workspace.allocate(50)
        #expect(Int(bitPattern: first) % AlignedBuffer.alignment == 0)
        #expect(Int(bitPattern: second) % AlignedBuffer.alignment == 0)
        #expect(second - first >= 3)
    }

    @Test func workspaceGrowsToHighWaterMarkOnReset() {
        let workspace = Workspace(capacity: 16)
        let overflow = workspace.allocate(1000)
        overflow[999] = 1  // the overflow chunk is writable in full
        workspace.reset()
        #expect(workspace.capacity >= 1000)
        let grownCapacity = workspace.capacity
        _ = workspace.allocate(1000)
        workspace.reset()
        #expect(workspace.capacity == grownCapacity)
    }

    @Test func scratchCacheHandsOutDistinctWorkspacesWhenNested() {
        ScratchCache.withWorkspace { outer in
            ScratchCache.withWorkspace { inner in
                #expect(outer !== inner)
            }
        }
    }

    @Test func tensorHoldsItsValues() {
        let tensor = Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        #expect(tensor.count == 6)
        #expect(tensor.data[4] == 5)
        #expect(tensor.values == [1, 2, 3, 4, 5, 6])
        #expect(Tensor(shape: [2, 0]).count == 0)
    }
}
