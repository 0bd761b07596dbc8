import FathomNN
import FathomSpaces
import Foundation

/// A synthetic 3-class task on `size`×`size` images (the class is which third of the image holds a bright bar, plus noise),
/// written as IDX files with a training config that points at them.
struct SyntheticTask {
    let folder: URL
    var configPath: String { folder.appendingPathComponent("config.json").path }

    init(images count: Int = 240, size: Int = 6, space: String, method: String = "spos", epochs: Int = 2, batch: Int = 16,
         threads: Int = 2, split: String? = nil) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-synthetic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var rng = SeededGenerator(seed: 11)
        var pixels: [UInt8] = [], labels: [UInt8] = []
        for _ in 0..<count {
            let label = rng.int(below: 3)
            labels.append(UInt8(label))
            for y in 0..<size { for x in 0..<size {
                let bright = x * 3 / size == label && y > 0 && y < size - 1
                pixels.append(UInt8(min(255, (bright ? 180 : 30) + rng.int(below: 60))))
            } }
        }
        func idx(_ dims: [Int], _ values: [UInt8]) -> Data {
            Data([0, 0, 8, UInt8(dims.count)] + dims.flatMap { d in (0..<4).map { UInt8(truncatingIfNeeded: d >> (8 * (3 - $0))) } } + values)
        }
        try idx([count, size, size], pixels).write(to: folder.appendingPathComponent("images.idx"))
        try idx([count], labels).write(to: folder.appendingPathComponent("labels.idx"))
        try Data("""
        {"fathom": 1, "name": "synthetic", "space": "\(space)",
         "data": {"images": "images.idx", "labels": "labels.idx", "classes": 3, "validation": 48},
         "supernet": {"method": "\(method)", "recalibration_batches": 4\(split.map { ", \"split\": \($0)" } ?? "")},
         "training": {"epochs": \(epochs), "batch": \(batch), "learning_rate": 0.1, "seed": 5, "threads": \(threads), "checkpoint_every_steps": 3}}
        """.utf8).write(to: URL(fileURLWithPath: configPath))
    }

    var config: TrainingConfig { get throws { try TrainingConfig(path: configPath) } }
}
