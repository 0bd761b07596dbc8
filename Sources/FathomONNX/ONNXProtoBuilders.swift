import Foundation

extension Onnx_AttributeProto {
    /// An integer attribute.
    static func int(_ name: String, _ value: Int) -> Onnx_AttributeProto {
        .with { $0.name = name; $0.type = .int; $0.i = Int64(value) }
    }

    /// A list-of-integers attribute.
    static func ints(_ name: String, _ values: [Int]) -> Onnx_AttributeProto {
        .with { $0.name = name; $0.type = .ints; $0.ints = values.map(Int64.init) }
    }

    /// A float attribute.
    static func float(_ name: String, _ value: Float) -> Onnx_AttributeProto {
        .with { $0.name = name; $0.type = .float; $0.f = value }
    }
}

extension Onnx_TensorProto {
    /// A float32 tensor whose values are stored as little-endian `raw_data`.
    init<C: Collection<Float>>(name: String, dims: [Int], floats: C) {
        precondition(dims.reduce(1, *) == floats.count, "ONNX tensor \(name): dims \(dims) do not hold \(floats.count) values")
        self.init()
        self.name = name
        dataType = Int32(DataType.float.rawValue)
        self.dims = dims.map(Int64.init)
        rawData = Self.littleEndianBytes(floats.map(\.bitPattern))
    }

    /// A one-dimensional int64 tensor (shapes, permutations), stored as little-endian `raw_data`.
    init(name: String, int64s: [Int64]) {
        self.init()
        self.name = name
        dataType = Int32(DataType.int64.rawValue)
        dims = [Int64(int64s.count)]
        rawData = Self.littleEndianBytes(int64s.map { UInt64(bitPattern: $0) })
    }

    private static func littleEndianBytes<T: FixedWidthInteger>(_ words: [T]) -> Data {
        words.map(\.littleEndian).withUnsafeBytes { Data($0) }
    }
}

extension Onnx_ValueInfoProto {
    /// A float tensor of a fixed shape (the model's input and output).
    init(name: String, floatShape: [Int]) {
        self.init()
        self.name = name
        type = .with {
            $0.tensorType = .with {
                $0.elemType = Int32(Onnx_TensorProto.DataType.float.rawValue)
                $0.shape = .with { $0.dim = floatShape.map { size in .with { $0.dimValue = Int64(size) } } }
            }
        }
    }
}
