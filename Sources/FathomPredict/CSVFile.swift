import Foundation

/// A comma-separated file held as UTF-8 bytes and read record by record, without slicing `String`s per character
/// (a 6 MB latency table parses in well under a second even in a debug build).
///
/// The dialect is HELP's: no quoting, so a field holds neither commas nor line breaks. Lines may end in `\n` or
/// `\r\n`; empty lines are skipped.
struct CSVFile {
    /// The name used in error messages (the path, as the user gave it).
    let name: String
    /// The file's bytes followed by one 0 byte, so that `strtod` always stops inside the buffer.
    private let bytes: [UInt8]

    /// Reads the file at `path`; throws `PredictError.unreadableFile` if it cannot.
    init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw PredictError.unreadableFile(path: path) }
        self.name = path
        self.bytes = [UInt8](data) + [0]
    }

    /// Wraps text already in memory; `name` stands for the file in error messages.
    init(text: String, name: String) {
        self.name = name
        self.bytes = Array(text.utf8) + [0]
    }

    /// Calls `body` with every non-empty line, the header included, in file order.
    ///
    /// - Complexity: O(bytes).
    func forEachRecord(_ body: (CSVRecord) throws -> Void) rethrows {
        try bytes.withUnsafeBufferPointer { buffer in
            let end = buffer.count - 1  // the terminating 0
            var fields: [Range<Int>] = []
            var lineStart = 0
            var line = 1
            while lineStart < end {
                var lineEnd = lineStart
                while lineEnd < end && buffer[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
                let contentEnd = lineEnd > lineStart && buffer[lineEnd - 1] == UInt8(ascii: "\r") ? lineEnd - 1 : lineEnd
                if contentEnd > lineStart {
                    fields.removeAll(keepingCapacity: true)
                    var fieldStart = lineStart
                    for position in lineStart..<contentEnd where buffer[position] == UInt8(ascii: ",") {
                        fields.append(fieldStart..<position)
                        fieldStart = position + 1
                    }
                    fields.append(fieldStart..<contentEnd)
                    try body(CSVRecord(line: line, buffer: buffer, fields: fields))
                }
                lineStart = lineEnd + 1
                line += 1
            }
        }
    }
}

/// One line of a `CSVFile`, valid only inside the `forEachRecord` call that passed it.
struct CSVRecord {
    /// The 1-based line number in the file.
    let line: Int
    fileprivate let buffer: UnsafeBufferPointer<UInt8>
    fileprivate let fields: [Range<Int>]

    /// The number of fields on the line.
    var count: Int { fields.count }

    /// Field `index` as text.
    func string(_ index: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: buffer[fields[index]]), as: UTF8.self)
    }

    /// Field `index` as a decimal integer (optional leading `-`), or nil if it is anything else.
    func int(_ index: Int) -> Int? {
        var range = fields[index]
        let negative = !range.isEmpty && buffer[range.lowerBound] == UInt8(ascii: "-")
        if negative { range = range.dropFirst() }
        guard !range.isEmpty, range.count <= 18 else { return nil }
        var value = 0
        for position in range {
            let digit = Int(buffer[position]) - Int(UInt8(ascii: "0"))
            guard (0...9).contains(digit) else { return nil }
            value = value * 10 + digit
        }
        return negative ? -value : value
    }

    /// Field `index` as a `Double` (C `strtod`, correctly rounded; accepts `nan` and `inf`, which callers
    /// reject where they must), or nil unless the whole field is one number.
    func double(_ index: Int) -> Double? {
        let range = fields[index]
        guard !range.isEmpty, let base = buffer.baseAddress else { return nil }
        let (value, consumed) = (base + range.lowerBound).withMemoryRebound(to: CChar.self, capacity: range.count + 1) { start in
            var parsedEnd: UnsafeMutablePointer<CChar>?
            let value = strtod(start, &parsedEnd)
            return (value, parsedEnd.map { UnsafePointer($0) - start } ?? 0)
        }
        return consumed == range.count ? value : nil
    }
}
