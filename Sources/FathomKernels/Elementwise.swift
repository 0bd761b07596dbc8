/// Element-by-element tensor arithmetic.
public enum Elementwise {
    /// `output[i] = first[i] + second[i]` (`output` may be either input). Its backward pass needs no
    /// kernel: both inputs receive the output's gradient unchanged.
    public static func add(
        _ first: UnsafePointer<Float>, _ second: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>,
        count: Int, pool: ThreadPool? = .shared
    ) {
        ThreadPool.forEachChunk(of: count, minimumChunk: 1 << 15, pool: pool) { range in
            var index = range.lowerBound
            while index + 8 <= range.upperBound {
                let sum = UnsafeRawPointer(first + index).loadUnaligned(as: SIMD8<Float>.self)
                    + UnsafeRawPointer(second + index).loadUnaligned(as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(output + index).storeBytes(of: sum, as: SIMD8<Float>.self)
                index += 8
            }
            while index < range.upperBound {
                output[index] = first[index] + second[index]
                index += 1
            }
        }
    }
}
