import FathomGraph
import FathomSpaces

/// Which supernet layer each layer of a subnet's graph shares its weights with, per space family.
///
/// - cell spaces: an edge's ops keep their own weights (`stage0.cell0.edge1<-0.conv#k3`, its batch norm `…bn#k3`);
///   the fixed layers (stem, reductions, head) are shared by name.
/// - elastic spaces: a block is named by its stage and slot (`s1.b2.depthwise.conv`), whatever its kernel or expand
///   ratio, so all choices of a slot share one largest set of weights.
enum SupernetLayout {
    /// The shared key of every layer of `graph` (nil for layers without parameters).
    static func keys(_ graph: NetworkGraph, arch: Architecture, space: SearchSpace) -> [String?] {
        var slots: [String] = []
        if case let .elastic(elastic) = space.family {
            var counts: [Int: Int] = [:]
            for block in elastic.blocks(arch.genes) {
                slots.append("s\(block.stage).b\(counts[block.stage, default: 0])")
                counts[block.stage, default: 0] += 1
            }
        }
        return graph.layers.map { layer in
            switch layer.op {
            case .convolution, .linear, .batchNorm: break
            default: return nil
            }
            if !slots.isEmpty, layer.name.hasPrefix("block"), let dot = layer.name.firstIndex(of: "."),
               let index = Int(layer.name[layer.name.index(layer.name.startIndex, offsetBy: 5)..<dot]) {
                return slots[index] + layer.name[dot...]
            }
            guard case .cell = space.family else { return layer.name }
            let conv = layer.op == .batchNorm ? graph.layers[layer.inputs[0]].op : layer.op
            if case let .convolution(c) = conv { return "\(layer.name)#k\(c.kernel)" }
            return layer.name
        }
    }

    /// Architectures whose graphs together hold every shared layer at its largest size: one per op for cell spaces
    /// (every edge that op), the largest architecture for elastic spaces.
    static func references(_ space: SearchSpace) throws -> [Architecture] {
        switch space.family {
        case let .cell(cell):
            return cell.ops.indices.map { op in Architecture(genes: space.genes.map { _ in op }) }
        case .elastic:
            return [extreme(space, largest: true)]
        case .chain:
            throw NNError.architectureOutsideSupernet(arch: "-", space: space.name, detail: "supernets are built for cell and elastic spaces only")
        }
    }

    /// The largest (or smallest) architecture of an elastic space: every gene at its largest (smallest) value.
    static func extreme(_ space: SearchSpace, largest: Bool) -> Architecture {
        let genes = space.genes.map { gene in
            let values = gene.labels.map { Int($0) ?? 0 }
            return values.indices.max { largest ? values[$0] < values[$1] : values[$0] > values[$1] }!
        }
        return space.canonical(genes)
    }

    /// Whether a cell architecture's output depends on its input (some path of non-`zero` edges joins them);
    /// always true for other families.
    static func isConnected(_ arch: Architecture, in space: SearchSpace) -> Bool {
        guard case let .cell(cell) = space.family else { return true }
        var reached: Set<Int> = [0]
        for (gene, edge) in cell.edges.enumerated() where reached.contains(edge.from) {
            if case .zero = cell.ops[arch.genes[gene]].kind { continue }
            reached.insert(edge.to)
        }
        return reached.contains(cell.nodes - 1)
    }
}
