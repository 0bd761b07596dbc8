/// Reads one JSON object key by key, checking types and ranges, and reports problems with their full key path
/// (`stages[2].channels: expected a positive integer, got -3`). `finish()` rejects keys nobody read, which catches
/// typos in user files.
public final class JSONObjectReader {
    /// The file being read, for error messages.
    public let file: String
    /// The key path of this object inside the file ("" for the root).
    public let path: String
    private let fields: [String: JSONValue]
    private var consumed: Set<String> = []

    /// Wraps `value`, which must be an object.
    public init(_ value: JSONValue, file: String, path: String = "") throws {
        guard case let .object(fields) = value else {
            throw SpaceError.invalidValue(file: file, key: path.isEmpty ? "(root)" : path, expected: "an object", got: value.brief)
        }
        self.file = file
        self.path = path
        self.fields = fields
    }

    /// The key path of `key` inside this object.
    public func keyPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// Whether the object has `key`.
    public func has(_ key: String) -> Bool { fields[key] != nil }

    /// The raw value of an optional key, marking it as read.
    public func optionalValue(_ key: String) -> JSONValue? {
        consumed.insert(key)
        return fields[key]
    }

    /// The raw value of a required key.
    public func value(_ key: String) throws -> JSONValue {
        guard let value = optionalValue(key) else { throw SpaceError.missingKey(file: file, key: keyPath(key)) }
        return value
    }

    /// A required string.
    public func string(_ key: String) throws -> String {
        let value = try value(key)
        guard case let .string(s) = value else { throw mismatch(key, "a string", value) }
        return s
    }

    /// An optional string.
    public func optionalString(_ key: String) throws -> String? {
        has(key) ? try string(key) : nil
    }

    /// A required integer within `range`.
    public func int(_ key: String, in range: ClosedRange<Int> = Int.min...Int.max) throws -> Int {
        try Self.integer(try value(key), file: file, key: keyPath(key), in: range)
    }

    /// An optional integer within `range`, `defaultValue` when absent.
    public func int(_ key: String, default defaultValue: Int, in range: ClosedRange<Int> = Int.min...Int.max) throws -> Int {
        has(key) ? try int(key, in: range) : defaultValue
    }

    /// A required number within `range`.
    public func double(_ key: String, in range: ClosedRange<Double> = -Double.infinity...Double.infinity) throws -> Double {
        let value = try value(key)
        guard case let .number(n) = value, range.contains(n) else {
            throw mismatch(key, "a number in \(range.lowerBound)...\(range.upperBound)", value)
        }
        return n
    }

    /// A required finite number greater than zero.
    public func positiveDouble(_ key: String) throws -> Double {
        let value = try value(key)
        guard case let .number(n) = value, n.isFinite, n > 0 else { throw mismatch(key, "a positive number", value) }
        return n
    }

    /// An optional Boolean, `defaultValue` when absent.
    public func bool(_ key: String, default defaultValue: Bool) throws -> Bool {
        guard let value = optionalValue(key) else { return defaultValue }
        guard case let .bool(b) = value else { throw mismatch(key, "true or false", value) }
        return b
    }

    /// A required nested object.
    public func object(_ key: String) throws -> JSONObjectReader {
        try JSONObjectReader(try value(key), file: file, path: keyPath(key))
    }

    /// A required non-empty array, each element handed to `read` with its key path.
    public func array<T>(_ key: String, read: (JSONValue, String) throws -> T) throws -> [T] {
        let value = try value(key)
        guard case let .array(items) = value, !items.isEmpty else { throw mismatch(key, "a non-empty array", value) }
        return try items.enumerated().map { try read($1, "\(keyPath(key))[\($0)]") }
    }

    /// A required non-empty array of objects.
    public func objects(_ key: String) throws -> [JSONObjectReader] {
        try array(key) { try JSONObjectReader($0, file: file, path: $1) }
    }

    /// A required non-empty array of integers within `range`.
    public func ints(_ key: String, in range: ClosedRange<Int> = Int.min...Int.max) throws -> [Int] {
        try array(key) { try Self.integer($0, file: file, key: $1, in: range) }
    }

    /// Throws for the first key that no accessor read.
    public func finish() throws {
        if let extra = fields.keys.sorted().first(where: { !consumed.contains($0) }) {
            throw SpaceError.unknownKey(file: file, key: keyPath(extra), allowed: consumed.sorted())
        }
    }

    /// An error for `key` whose value is not what was expected.
    public func mismatch(_ key: String, _ expected: String, _ value: JSONValue) -> SpaceError {
        .invalidValue(file: file, key: keyPath(key), expected: expected, got: value.brief)
    }

    private static func integer(_ value: JSONValue, file: String, key: String, in range: ClosedRange<Int>) throws -> Int {
        guard case let .number(n) = value, n == n.rounded(), abs(n) < 1e15, range.contains(Int(n)) else {
            let bounds = range == Int.min...Int.max ? "an integer"
                : range.upperBound == Int.max ? "an integer >= \(range.lowerBound)"
                : "an integer in \(range.lowerBound)...\(range.upperBound)"
            throw SpaceError.invalidValue(file: file, key: key, expected: bounds, got: value.brief)
        }
        return Int(n)
    }
}
