import Foundation

/// A parsed JSON document, kept as plain values so that readers can check types and report key paths themselves.
public enum JSONValue: Equatable, Sendable, Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// Parses `data` as JSON; `file` names the source in the error.
    public static func parse(_ data: Data, file: String) throws -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: data)
        } catch let DecodingError.dataCorrupted(context) {
            let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            throw SpaceError.malformedJSON(file: file, detail: underlying ?? context.debugDescription)
        } catch {
            throw SpaceError.malformedJSON(file: file, detail: "\(error)")
        }
    }

    /// A short rendering of the value for error messages ("-3", "\"abc\"", "an object").
    public var brief: String {
        switch self {
        case .null: return "null"
        case let .bool(b): return String(b)
        case let .number(n): return n == n.rounded() && abs(n) < 1e15 ? String(Int(n)) : String(n)
        case let .string(s): return "\"\(s)\""
        case let .array(a): return "an array of \(a.count)"
        case .object: return "an object"
        }
    }
}
