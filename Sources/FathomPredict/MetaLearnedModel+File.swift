import FathomSpaces

extension MetaLearnedModel {
    /// The `kind` of a meta-trained model file.
    public static let fileKind = "help-meta"

    /// Writes the model for `space` to `path` (``PredictorFile`` layout).
    public func save(to path: String, space: SearchSpace) throws {
        try PredictorFile.write(kind: Self.fileKind, space: space.name, model: self, to: path)
    }

    /// Reads a meta-trained model file, refusing one for another space than `space` (when given).
    ///
    /// - Throws: `PredictError.wrongModelKind`, `.modelForAnotherSpace`, `.corruptModel`, `.unreadableFile`.
    public static func load(_ path: String, space: SearchSpace? = nil) throws -> (model: MetaLearnedModel, space: SearchSpace) {
        let (model, space) = try PredictorFile.loadModel(MetaLearnedModel.self, kind: fileKind, from: path, space: space)
        do {
            return (try model.validated(), space)
        } catch PredictError.corruptModel(_, let detail) {
            throw PredictError.corruptModel(file: path, detail: detail)
        }
    }
}
