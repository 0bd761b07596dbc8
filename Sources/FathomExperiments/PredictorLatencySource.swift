import FathomPredict
import FathomSearch
import FathomSpaces
import Foundation

/// Latency from a saved predictor model (`predictor:MODEL.json`: an adapted meta-learned model, an MLP, a GCN or a
/// proxy line). Each estimate says which model made it; a search on predicted latencies verifies its answer on the
/// device's ground truth afterwards (``AnswerVerifier``). Repeated questions are answered by the search session's and
/// the journal's caches, so it keeps none of its own.
public struct PredictorLatencySource: LatencySource {
    /// `predictor:<path>`.
    public let id: String
    private let predictor: any LatencyPredictor
    /// `<kind id>:<file name>`, what every estimate's origin carries.
    private let modelName: String

    /// Loads the model at `path`; a model for another space than `space` is refused.
    ///
    /// - Throws: `PredictError` naming the file (unreadable, corrupt, another space, a meta-trained model not yet adapted).
    public init(path: String, space: SearchSpace) throws {
        let predictor = try PredictorFile.load(path, space: space)
        self.init(predictor: predictor, id: "predictor:\(path)", modelName: "\(predictor.id):\(URL(fileURLWithPath: path).lastPathComponent)")
    }

    /// A predictor in memory (benchmarks adapt one per device); `modelName` is what every estimate's origin carries.
    public init(predictor: any LatencyPredictor, id: String, modelName: String) {
        self.predictor = predictor
        self.id = id
        self.modelName = modelName
    }

    public var isCheap: Bool { true }

    public func latency(of arch: Architecture) throws -> LatencyEstimate {
        guard let ms = try predictor.predict([arch]).first, ms.isFinite else {
            throw ExperimentError.unsupportedSource(option: "--latency", value: id, reason: "the model predicted no finite latency for this architecture")
        }
        return LatencyEstimate(ms: ms, origin: .predicted(model: modelName), spreadMs: try predictor.predictSpread([arch])?.first)
    }
}
