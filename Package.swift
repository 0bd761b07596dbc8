// swift-tools-version: 6.1
import PackageDescription

/// Numeric code needs AVX2 + FMA in every configuration (debug included), otherwise SIMD FMA
/// falls back to scalar calls. x86-64-v3 runs on every machine Fathom targets (see design.md).
let simdFlags: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-march=x86-64-v3"])]
/// The AVX-512 kernels (FathomKernelsAVX512) alone are compiled for x86-64-v4; they run only where CPUID and the OS
/// say the processor supports them (`KernelISA`).
let wideSimdFlags: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-march=x86-64-v4"])]
let releaseSpeed: [SwiftSetting] = [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]

let package = Package(
    name: "Fathom",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "fathom", targets: ["fathom"]),
        .library(name: "FathomSpaces", targets: ["FathomSpaces"]),
        .library(name: "FathomGraph", targets: ["FathomGraph"]),
        .library(name: "FathomKernels", targets: ["FathomKernels"]),
        .library(name: "FathomPredict", targets: ["FathomPredict"]),
        .library(name: "FathomNN", targets: ["FathomNN"]),
        .library(name: "FathomSearch", targets: ["FathomSearch"]),
        .library(name: "FathomMeasure", targets: ["FathomMeasure"]),
        .library(name: "FathomExperiments", targets: ["FathomExperiments"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        .target(name: "FathomSpaces"),
        .target(name: "FathomGraph", dependencies: ["FathomSpaces"]),
        .target(name: "CFathomCPU"),
        .target(name: "FathomKernelsAVX512", swiftSettings: wideSimdFlags + releaseSpeed),
        .target(name: "FathomKernels", dependencies: ["CFathomCPU", "FathomKernelsAVX512"], swiftSettings: simdFlags + releaseSpeed),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .target(name: "FathomNN", dependencies: ["FathomKernels", "FathomGraph", "FathomSpaces", "CZlib"], swiftSettings: simdFlags + releaseSpeed),
        .target(name: "FathomPredict", dependencies: ["FathomSpaces", "FathomGraph"], swiftSettings: simdFlags + releaseSpeed),
        .target(name: "FathomSearch", dependencies: ["FathomSpaces"]),
        .target(name: "FathomMeasure", dependencies: ["FathomKernels", "FathomGraph", "FathomNN", "FathomSpaces", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(name: "FathomONNX", dependencies: ["FathomGraph", "FathomNN", "FathomKernels", "FathomSpaces", .product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        .target(name: "FathomExperiments", dependencies: ["FathomSpaces", "FathomGraph", "FathomSearch", "FathomPredict", "FathomMeasure", "FathomNN",
                                                          .product(name: "GRDB", package: "GRDB.swift")]),
        .executableTarget(
            name: "fathom",
            dependencies: [
                "FathomSpaces", "FathomGraph", "FathomKernels", "FathomNN", "FathomMeasure", "FathomSearch", "FathomExperiments", "FathomONNX",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "FathomSpacesTests", dependencies: ["FathomSpaces"]),
        .testTarget(name: "FathomGraphTests", dependencies: ["FathomGraph"]),
        .testTarget(name: "FathomKernelsTests", dependencies: ["FathomKernels"], swiftSettings: simdFlags),
        .testTarget(name: "FathomNNTests", dependencies: ["FathomNN", "FathomKernels", "FathomGraph", "FathomSpaces"], swiftSettings: simdFlags),
        .testTarget(name: "FathomPredictTests", dependencies: ["FathomPredict", "FathomSpaces"]),
        .testTarget(name: "FathomSearchTests", dependencies: ["FathomSearch"]),
        .testTarget(name: "FathomMeasureTests", dependencies: ["FathomMeasure"]),
        .testTarget(name: "FathomExperimentsTests", dependencies: ["FathomExperiments"]),
        .testTarget(name: "FathomONNXTests", dependencies: ["FathomONNX", "FathomGraph", "FathomNN", "FathomSpaces", .product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        .testTarget(name: "EndToEndTests", dependencies: ["FathomSpaces"]),
    ]
)
