import FathomSpaces
import Foundation
import Testing

/// Every kind of bad input gets one clear error that names what was wrong and what was allowed.
@Suite struct BadInputTests {
    func message(_ body: () throws -> Void) -> String {
        do {
            try body()
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func unknownSpaceListsTheKnownOnes() {
        let text = message { _ = try SearchSpace.load("nasbench301") }
        #expect(text.contains("unknown search space 'nasbench301'") && text.contains("fmnist-mbv3"))
    }

    @Test func architectureErrorsNameTheProblem() throws {
        let nb = try SearchSpace.load("nasbench201")
        let unknownOp = message { _ = try nb.parse("|conv_5x5~0|+|none~0|none~1|+|none~0|none~1|none~2|") }
        #expect(unknownOp.contains("unknown op 'conv_5x5' at edge 1<-0") && unknownOp.contains("avg_pool_3x3"))
        let edges = message { _ = try nb.parse("|none~0|+|none~0|none~1|+|none~0|none~1|") }
        #expect(edges.contains("expected 3 edges into node 3, got 2"))
        let nodes = message { _ = try nb.parse("|none~0|+|none~0|none~1|") }
        #expect(nodes.contains("expected 3 nodes"))
        let form = message { _ = try nb.parse("none,none") }
        #expect(form.contains("expected 3 nodes") || form.contains("expected the form"))

        let fb = try SearchSpace.load("fbnet")
        let layers = message { _ = try fb.parse("k3_e1-k3_e1") }
        #expect(layers.contains("expected 22 layers") && layers.contains("got 2"))
        let fbOp = message { _ = try fb.parse(Array(repeating: "k7_e6", count: 22).joined(separator: "-")) }
        #expect(fbOp.contains("unknown op 'k7_e6' at layer 0"))

        let ofa = try SearchSpace.load("ofa-mbv3")
        let kernel = message { _ = try ofa.parse("r224|k4e4,k3e4|k3e4,k3e4|k3e4,k3e4|k3e4,k3e4|k3e4,k3e4") }
        #expect(kernel.contains("kernel of stage 0 block 0 4 is not allowed; allowed: 3, 5, 7"))
        let depth = message { _ = try ofa.parse("r224|k3e4,k3e4,k3e4,k3e4,k3e4|k3e4,k3e4|k3e4,k3e4|k3e4,k3e4|k3e4,k3e4") }
        #expect(depth.contains("depth of stage 0 5 is not allowed; allowed: 2, 3, 4"))
        let resolution = message { _ = try ofa.parse("r130|k3e4,k3e4|k3e4,k3e4|k3e4,k3e4|k3e4,k3e4|k3e4,k3e4") }
        #expect(resolution.contains("resolution 130 is not allowed") && resolution.contains("128, 132"))
        let stages = message { _ = try ofa.parse("r224|k3e4,k3e4") }
        #expect(stages.contains("expected 5 stages"))
        let shallow = message { _ = try ofa.parse("r224|k3e4|k3e4,k3e4|k3e4,k3e4|k3e4,k3e4|k3e4,k3e4") }
        #expect(shallow.contains("depth of stage 0 1 is not allowed"))
    }

    func spaceError(_ json: String) -> String {
        message { _ = try SearchSpace(json: Data(json.utf8), file: "my-space.json") }
    }

    static let validCell = """
    {"fathom_space": 1, "name": "tiny", "family": "cell", "dataset": "mine", "classes": 10,
     "input": {"channels": 1, "height": 28, "width": 28},
     "cell": {"nodes": 3, "ops": [{"name": "none", "type": "zero"}, {"name": "conv", "type": "relu_conv_bn", "kernel": 3}]},
     "stem": {"channels": 8}, "stages": [{"channels": 8, "cells": 1}, {"channels": 16, "cells": 1}]}
    """

    @Test func userSpaceLoadsAndBadFilesAreNamed() throws {
        let space = try SearchSpace(json: Data(Self.validCell.utf8), file: "my-space.json")
        #expect(space.genes.count == 3 && space.size == 8)
        #expect(spaceError("{\"fathom_space\": 1, ").contains("my-space.json: malformed JSON"))
        #expect(spaceError(Self.validCell.replacingOccurrences(of: "\"cells\": 1}]", with: "\"cells\": 1, \"depth\": 2}]"))
            .contains("my-space.json: stages[1].depth: unknown key"))
        #expect(spaceError(Self.validCell.replacingOccurrences(of: "\"kernel\": 3", with: "\"kernel\": 4"))
            .contains("my-space.json: cell.ops[1].kernel: expected an odd kernel size"))
        #expect(spaceError(Self.validCell.replacingOccurrences(of: "\"classes\": 10", with: "\"classes\": \"ten\""))
            .contains("my-space.json: classes: expected an integer in 2...100000, got \"ten\""))
        #expect(spaceError(Self.validCell.replacingOccurrences(of: "\"family\": \"cell\"", with: "\"family\": \"tree\""))
            .contains("family: expected one of cell, chain, elastic, got \"tree\""))
        #expect(spaceError(Self.validCell.replacingOccurrences(of: "\"type\": \"zero\"", with: "\"type\": \"sep_conv\""))
            .contains("cell.ops[0].type: expected one of zero, identity"))
        #expect(spaceError(Self.validCell.replacingOccurrences(of: "\"classes\": 10,", with: ""))
            .contains("classes: required key is missing"))
        #expect(spaceError(Self.validCell.replacingOccurrences(of: "{\"channels\": 8, \"cells\": 1}", with: "{\"channels\": 4, \"cells\": 1}"))
            .contains("stages[0].channels: expected the stem's channel count 8"))
    }

    @Test func missingUserFileIsNamed() {
        let text = message { _ = try SearchSpace.load("/nonexistent/space.json") }
        #expect(text.contains("cannot read file '/nonexistent/space.json'"))
    }
}
