/// The inner loops of a dense layer, eight lanes at a time (`SIMD8<Float>` fused multiply-adds).

/// `Σ a[i]·b[i]` over `count` elements.
@inline(__always)
func dotProduct(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
    var lanes0 = SIMD8<Float>(), lanes1 = SIMD8<Float>()
    var i = 0
    while i + 16 <= count {
        lanes0.addProduct(load8(a + i), load8(b + i))
        lanes1.addProduct(load8(a + i + 8), load8(b + i + 8))
        i += 16
    }
    if i + 8 <= count {
        lanes0.addProduct(load8(a + i), load8(b + i))
        i += 8
    }
    var sum = (lanes0 + lanes1).sum()
    while i < count {
        sum += a[i] * b[i]
        i += 1
    }
    return sum
}

/// `y[i] += alpha·x[i]` over `count` elements.
@inline(__always)
func addScaled(_ alpha: Float, _ x: UnsafePointer<Float>, to y: UnsafeMutablePointer<Float>, count: Int) {
    let scale = SIMD8<Float>(repeating: alpha)
    var i = 0
    while i + 8 <= count {
        UnsafeMutableRawPointer(y + i).storeBytes(of: load8(UnsafePointer(y + i)).addingProduct(scale, load8(x + i)), as: SIMD8<Float>.self)
        i += 8
    }
    while i < count {
        y[i] += alpha * x[i]
        i += 1
    }
}

@inline(__always)
func load8(_ pointer: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
}

@inline(__always)
func store8(_ value: SIMD8<Float>, _ pointer: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: SIMD8<Float>.self)
}
