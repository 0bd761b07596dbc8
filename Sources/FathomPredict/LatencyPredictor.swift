import FathomSpaces
import Foundation

/// Anything that turns architectures of one search space into latencies in milliseconds on one device.
///
/// Every predictor can be saved as a JSON model file, `{"kind": ..., "space": ..., "model": {...}}`
/// (``PredictorFile``), and read back for the same space only.
public protocol LatencyPredictor: Sendable {
    /// The `kind` its model files carry (`proxy`, `mlp`, `gcn`, `help-adapted`, `mixture-adapted`).
    static var kind: String { get }
    /// What it saves as the file's `model`.
    associatedtype Model: Codable
    /// The search space of the architectures it predicts.
    var space: SearchSpace { get }
    /// A short name for reports and for `predicted` latency sources (`flops`, `mlp`, `gcn`, `help`, `mixture`).
    var id: String { get }
    /// Its saved state.
    var model: Model { get }
    /// Rebuilds a predictor from saved state.
    init(model: Model, space: SearchSpace) throws
    /// The latency in ms of each architecture.
    func predict(_ archs: [Architecture]) throws -> [Double]
    /// The standard deviation (ms) of each architecture's measured latency around the prediction, for predictors
    /// that know their own uncertainty; nil for the others.
    func predictSpread(_ archs: [Architecture]) throws -> [Double]?
}

extension LatencyPredictor {
    public func predictSpread(_ archs: [Architecture]) throws -> [Double]? { nil }
}

/// Reading and writing predictor model files.
public enum PredictorFile {
    /// The kinds of predictor `load` knows, by their file `kind`.
    static let predictorKinds: [any LatencyPredictor.Type] = [ProxyPredictor.self, MLPPredictor.self, GCNPredictor.self, AdaptedMetaPredictor.self,
                                                                    AdaptedMixturePredictor.self]

    /// Writes `predictor` to `path` as JSON.
    public static func save<P: LatencyPredictor>(_ predictor: P, to path: String) throws {
        try write(kind: P.kind, space: predictor.space.name, model: predictor.model, to: path)
    }

    /// Writes any model with its kind and space name to `path` as JSON, keys sorted so that the same model gives the
    /// same bytes (unsorted, their order follows each process's random hash seed).
    static func write<M: Codable>(kind: String, space: String, model: M, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(Envelope(kind: kind, space: space, model: model))
        guard FileManager.default.createFile(atPath: path, contents: data) else { throw PredictError.unwritableFile(path: path) }
    }

    /// The kind and space name a model file declares, without decoding its model.
    ///
    /// - Throws: `PredictError.unreadableFile` or `.corruptModel`.
    public static func header(of path: String) throws -> (kind: String, space: String) {
        let header: Header = try decode(Header.self, at: path)
        return (header.kind, header.space)
    }

    /// Loads a predictor of any known kind; its space is loaded by the name the file gives unless `space` is passed,
    /// in which case a model for another space is refused.
    ///
    /// - Throws: `PredictError.modelForAnotherSpace`, `.wrongModelKind` (e.g. a meta-trained model not yet adapted),
    ///   `.corruptModel` or `.unreadableFile`; `SpaceError` when the file names an unknown space.
    public static func load(_ path: String, space: SearchSpace? = nil) throws -> any LatencyPredictor {
        let header = try header(of: path)
        guard let type = predictorKinds.first(where: { $0.kind == header.kind }) else {
            throw PredictError.wrongModelKind(file: path, kind: header.kind,
                                              expected: "a predictor (\(predictorKinds.map { $0.kind }.joined(separator: ", "))); adapt a meta-trained model first")
        }
        return try load(type, from: path, space: space)
    }

    /// Loads a model of kind `kind` and returns it with the space it is for.
    static func loadModel<M: Codable>(_ model: M.Type, kind: String, from path: String, space: SearchSpace?) throws -> (model: M, space: SearchSpace) {
        let header = try header(of: path)
        guard header.kind == kind else { throw PredictError.wrongModelKind(file: path, kind: header.kind, expected: "a '\(kind)' model") }
        if let space, space.name != header.space {
            throw PredictError.modelForAnotherSpace(file: path, modelSpace: header.space, expected: space.name)
        }
        let envelope: Envelope<M> = try decode(Envelope<M>.self, at: path)
        return (envelope.model, try space ?? SearchSpace.load(header.space))
    }

    private static func load<P: LatencyPredictor>(_ type: P.Type, from path: String, space: SearchSpace?) throws -> P {
        let (model, space) = try loadModel(P.Model.self, kind: P.kind, from: path, space: space)
        do {
            return try P(model: model, space: space)
        } catch let error as PredictError {
            throw error
        } catch {
            throw PredictError.corruptModel(file: path, detail: "\(error)")
        }
    }

    private static func decode<T: Decodable>(_ type: T.Type, at path: String) throws -> T {
        guard let data = FileManager.default.contents(atPath: path) else { throw PredictError.unreadableFile(path: path) }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let DecodingError.dataCorrupted(context) {
            throw PredictError.corruptModel(file: path, detail: context.debugDescription)
        } catch let DecodingError.keyNotFound(key, _) {
            throw PredictError.corruptModel(file: path, detail: "key '\(key.stringValue)' is missing")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw PredictError.corruptModel(file: path, detail: "at '\(context.codingPath.map(\.stringValue).joined(separator: "."))': \(context.debugDescription)")
        } catch {
            throw PredictError.corruptModel(file: path, detail: "\(error)")
        }
    }

    private struct Header: Decodable {
        let kind: String
        let space: String
    }

    private struct Envelope<M: Codable>: Codable {
        let kind: String
        let space: String
        let model: M
    }
}
