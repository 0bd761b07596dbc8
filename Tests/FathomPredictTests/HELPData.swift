import FathomPredict

/// Paths into the project's copy of HELP's latency data, and the tables loaded once for all tests.
enum HELPData {
    /// `device-measurements/help/<space>/<file>` in this checkout.
    static func path(_ space: String, _ file: String) -> String {
        let testsFolder = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
        return "/\(testsFolder)/device-measurements/help/\(space)/\(file)"
    }

    static let nasbench201 = Result { try LatencyTable(contentsOf: path("nasbench201", "latency.csv")) }
    static let fbnet = Result { try LatencyTable(contentsOf: path("fbnet", "latency.csv")) }
    static let ofa = Result { try LatencyTable(contentsOf: path("ofa", "latency.csv")) }
}
