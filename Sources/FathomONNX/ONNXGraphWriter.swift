import FathomKernels

/// Collects the nodes and initializers of an ONNX graph in the order they are added (which is topological, since
/// layers are lowered in the graph's order). Initializers are named once: adding a name again reuses the first.
struct ONNXGraphWriter {
    private(set) var nodes: [Onnx_NodeProto] = []
    private(set) var initializers: [Onnx_TensorProto] = []
    private var initializerNames: Set<String> = []

    /// Appends a node computing `output` from `inputs`.
    mutating func node(_ opType: String, name: String, inputs: [String], output: String, _ attributes: [Onnx_AttributeProto] = []) {
        nodes.append(.with {
            $0.opType = opType
            $0.name = name
            $0.input = inputs
            $0.output = [output]
            $0.attribute = attributes
        })
    }

    /// Adds a float32 initializer with `buffer`'s values and returns its name.
    mutating func floats(_ name: String, dims: [Int], _ buffer: AlignedBuffer) -> String {
        add(Onnx_TensorProto(name: name, dims: dims, floats: UnsafeBufferPointer(start: buffer.baseAddress, count: buffer.count)))
    }

    /// Adds a float32 scalar initializer and returns its name.
    mutating func scalar(_ name: String, _ value: Float) -> String {
        add(Onnx_TensorProto(name: name, dims: [], floats: [value]))
    }

    /// Adds a one-dimensional int64 initializer (a shape or a permutation) and returns its name.
    mutating func int64s(_ name: String, _ values: [Int]) -> String {
        add(Onnx_TensorProto(name: name, int64s: values.map(Int64.init)))
    }

    private mutating func add(_ tensor: Onnx_TensorProto) -> String {
        if initializerNames.insert(tensor.name).inserted { initializers.append(tensor) }
        return tensor.name
    }
}
