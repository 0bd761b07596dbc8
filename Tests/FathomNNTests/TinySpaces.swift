import FathomSpaces
import Foundation

/// Tiny search spaces (a few channels, 6–8 pixel inputs) whose networks run in milliseconds in a debug build and
/// together contain every layer type of the graph IR.
enum TinySpaces {
    /// NAS-Bench-201 style: stem 2 channels, two stages (2, 4 channels, so one reduction block), ops including
    /// max pooling.
    static let cell = try! SearchSpace(json: Data(cellJSON.utf8), file: "tiny-cell.json")
    static let cellJSON = """
    {"fathom_space": 1, "name": "tiny-cell", "family": "cell", "dataset": "synthetic", "input": {"channels": 1, "height": 6, "width": 6},
     "classes": 3, "cell": {"nodes": 4, "ops": [{"name": "none", "type": "zero"}, {"name": "skip_connect", "type": "identity"},
       {"name": "nor_conv_1x1", "type": "relu_conv_bn", "kernel": 1}, {"name": "nor_conv_3x3", "type": "relu_conv_bn", "kernel": 3},
       {"name": "avg_pool_3x3", "type": "avg_pool", "kernel": 3}, {"name": "max_pool_3x3", "type": "max_pool", "kernel": 3}]},
     "stem": {"channels": 2, "kernel": 3}, "stages": [{"channels": 2, "cells": 1}, {"channels": 4, "cells": 1}]}
    """

    /// MobileNetV3 style: expand, depthwise, squeeze-and-excite, ReLU6 and h-swish, residuals.
    static let elastic = try! SearchSpace(json: Data(elasticJSON.utf8), file: "tiny-elastic.json")
    static let elasticJSON = """
    {"fathom_space": 1, "name": "tiny-elastic", "family": "elastic", "dataset": "synthetic", "input": {"channels": 1}, "classes": 3,
     "elastic": {"kernels": [3, 5], "expands": [2, 3], "depths": [1, 2], "resolutions": [8]},
     "stem": {"channels": 4, "kernel": 3, "stride": 1, "activation": "h_swish"}, "first_block": {"channels": 4, "activation": "relu6"},
     "stages": [{"channels": 8, "stride": 2, "activation": "relu", "se": true}, {"channels": 8, "stride": 1, "activation": "h_swish", "se": true}],
     "final_expand_channels": 8, "feature_mix_channels": 8, "se_reduction": 4, "channel_divisor": 4}
    """

    /// FBNet style, with grouped convolutions and channel shuffle.
    static let chain = try! SearchSpace(json: Data("""
    {"fathom_space": 1, "name": "tiny-chain", "family": "chain", "dataset": "synthetic", "input": {"channels": 1, "height": 6, "width": 6},
     "classes": 3, "ops": [{"name": "k3_e2_g2", "type": "mbconv", "kernel": 3, "expand": 2, "groups": 2}, {"name": "skip", "type": "skip"}],
     "stem": {"channels": 4, "kernel": 3, "stride": 1}, "stages": [{"layers": 2, "channels": 4, "stride": 1}, {"layers": 1, "channels": 8, "stride": 2}],
     "head": {"channels": 8}}
    """.utf8), file: "tiny-chain.json")
}
