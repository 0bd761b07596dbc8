import FathomNN
import Foundation
import Testing

/// IDX reading (plain and gzipped, bad files) and the seeded validation split.
@Suite struct DatasetTests {
    static func temporary(_ name: String, _ bytes: [UInt8]) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-idx-\(UUID().uuidString)-\(name)")
        try Data(bytes).write(to: url)
        return url.path
    }

    static func idx(_ dimensions: [Int], _ values: [UInt8]) -> [UInt8] {
        [0, 0, 8, UInt8(dimensions.count)] + dimensions.flatMap { d in (0..<4).map { UInt8(truncatingIfNeeded: d >> (8 * (3 - $0))) } } + values
    }

    @Test func readsImagesAndLabels() throws {
        let images = try Self.temporary("images", Self.idx([3, 2, 2], (0..<12).map { UInt8($0 * 20) }))
        let labels = try Self.temporary("labels", Self.idx([3], [2, 0, 1]))
        let data = try Dataset(images: images, labels: labels, classes: 3)
        #expect(data.count == 3 && data.height == 2 && data.width == 2 && data.channels == 1)
        #expect(data.labels == [2, 0, 1])
        #expect(data.images[5] == Float(100) / 255)
    }

    @Test func truncatedFileNamesTheFile() throws {
        let path = try Self.temporary("short", Array(Self.idx([10, 4, 4], Array(repeating: 1, count: 160)).prefix(100)))
        #expect { try IDXFile(path: path) } throws: { error in
            "\(error)".contains(path) && "\(error)".contains("truncated")
        }
    }

    @Test func badMagicAndMissingFilesAreClearErrors() throws {
        let path = try Self.temporary("magic", [1, 2, 3, 4, 0, 0, 0, 1])
        #expect { try IDXFile(path: path) } throws: { "\($0)".contains("magic number") }
        #expect { try IDXFile(path: "/nonexistent/labels.idx") } throws: { "\($0)".contains("/nonexistent/labels.idx") }
        let labels = try Self.temporary("labels", Self.idx([2], [0, 5]))
        let images = try Self.temporary("images", Self.idx([2, 1, 1], [0, 0]))
        #expect { try Dataset(images: images, labels: labels, classes: 3) } throws: { "\($0)".contains("label 5") }
    }

    @Test func readsGzippedFashionMNISTLabels() throws {
        let path = "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz"
        guard FileManager.default.fileExists(atPath: path) else { return }
        let file = try IDXFile(path: path)
        #expect(file.dimensions == [10000])
        #expect(Set(file.bytes) == Set(0..<10))
    }

    @Test func validationSplitIsSeededAndDisjoint() throws {
        let data = try Dataset(channels: 1, height: 1, width: 1, classes: 2, images: (0..<50).map(Float.init), labels: (0..<50).map { $0 % 2 })
        let (train, validation) = try data.split(validationCount: 10, seed: 3)
        let again = try data.split(validationCount: 10, seed: 3).validation
        #expect(validation.images == again.images)
        #expect(train.count == 40 && validation.count == 10)
        #expect(Set(train.images).isDisjoint(with: validation.images))
        #expect(try data.split(validationCount: 10, seed: 4).validation.images != validation.images)
    }

    /// `held_out_validation` adds the images right after `limit` to the validation split, and needs `limit`.
    @Test func heldOutValidationComesFromBeyondTheLimit() throws {
        let images = try Self.temporary("images", Self.idx([30, 1, 1], (0..<30).map(UInt8.init)))
        let labels = try Self.temporary("labels", Self.idx([30], (0..<30).map(UInt8.init)))
        func config(_ data: String) throws -> TrainingConfig {
            let text = #"{"fathom": 1, "name": "t", "space": "fmnist-cell", "data": {"images": "\#(images)", "labels": "\#(labels)", "classes": 30, "#
                + data + #"}, "training": {"epochs": 1, "learning_rate": 0.1}}"#
            return try TrainingConfig(bytes: Data(text.utf8), file: "t.json", directory: URL(fileURLWithPath: "/"))
        }
        let data = try TrainingData(try config(#""limit": 20, "validation": 5, "held_out_validation": 6"#))
        #expect(data.training.count == 15 && data.validation.count == 11)
        #expect(Array(data.validation.labels.suffix(6)) == Array(20..<26))
        #expect(Set(data.training.labels).isDisjoint(with: data.validation.labels))
        #expect { try config(#""validation": 5, "held_out_validation": 6"#) } throws: { "\($0)".contains("data.held_out_validation") }
        #expect { try TrainingData(try config(#""limit": 20, "validation": 5, "held_out_validation": 11"#)) } throws: {
            "\($0)".contains("data.held_out_validation") && "\($0)".contains("only 10 images")
        }
    }
}
