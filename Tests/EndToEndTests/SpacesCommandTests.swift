import Foundation
import Testing

@Suite struct SpacesCommandTests {
    @Test func listShowsEveryBuiltInSpace() throws {
        let result = try FathomProcess.run(["spaces", "list", "--json"])
        #expect(result.status == 0)
        #expect(result.jsonLines.compactMap { $0["space"] as? String } == ["nasbench201", "fbnet", "ofa-mbv3", "fmnist-cell", "fmnist-mbv3"])
        let table = try FathomProcess.run(["spaces", "list"])
        #expect(table.stdout.contains("nasbench201") && table.stdout.contains("architectures"))
    }

    @Test func sampleIsReproducibleAndSeedDependent() throws {
        let a = try FathomProcess.run(["spaces", "sample", "ofa-mbv3", "--count", "20", "--seed", "7"])
        let b = try FathomProcess.run(["spaces", "sample", "ofa-mbv3", "--count", "20", "--seed", "7"])
        let c = try FathomProcess.run(["spaces", "sample", "ofa-mbv3", "--count", "20", "--seed", "8"])
        #expect(a.status == 0 && a.stdout == b.stdout && a.stdout != c.stdout)
        #expect(a.jsonLines.count == 20)
        #expect(a.jsonLines.allSatisfy { $0["space"] as? String == "ofa-mbv3" && ($0["arch"] as? String)?.hasPrefix("r") == true })
    }

    @Test func statsPrintsNASBench201Counts() throws {
        let result = try FathomProcess.run(["spaces", "stats", "nasbench201", "--json", "--arch",
                                            "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|"])
        #expect(result.status == 0)
        let json = try #require(result.jsonLines.first)
        #expect(json["flops_m"] as? Double == 220.11969)
        #expect(json["params_m"] as? Double == 1.531546)
        #expect(json["live_flops_m"] as? Double == 220.11969)
    }

    @Test func sampledArchitecturesFeedStats() throws {
        let sample = try FathomProcess.run(["spaces", "sample", "fbnet", "--count", "1", "--seed", "3"])
        let arch = try #require(sample.jsonLines.first?["arch"] as? String)
        let stats = try FathomProcess.run(["spaces", "stats", "fbnet", "--arch", arch, "--json"])
        #expect(stats.status == 0 && stats.jsonLines.first?["arch"] as? String == arch)
    }

    @Test func userSpaceFileWorksByPath() throws {
        let result = try FathomProcess.run(["spaces", "sample", "search-spaces/fmnist-cell.json", "--count", "2", "--seed", "1"])
        #expect(result.status == 0 && result.jsonLines.count == 2)
    }

    /// Walks the whole command tree from `fathom --help` and checks that every leaf command's help has an example.
    @Test func everyCommandHelpHasAnExample() throws {
        var pending: [[String]] = [[]], leaves = 0
        while let command = pending.popLast() {
            let result = try FathomProcess.run(command + ["--help"])
            #expect(result.status == 0, "fathom \(command.joined(separator: " ")) --help failed")
            let subcommands = Self.subcommands(in: result.stdout)
            if subcommands.isEmpty {
                leaves += 1
                #expect(result.stdout.contains("Example"), "help of 'fathom \(command.joined(separator: " "))' has no example")
            } else if command.count < 3 {
                pending += subcommands.map { command + [$0] }
            } else {
                Issue.record("'fathom \(command.joined(separator: " "))' nests deeper than the command table does")
            }
        }
        #expect(leaves >= 20)
    }

    /// The names listed under SUBCOMMANDS: in a help text (without `help` itself). The section ends at its first
    /// blank line, so the "See 'fathom help <subcommand>'" footer is not taken for a command.
    static func subcommands(in help: String) -> [String] {
        guard let section = help.components(separatedBy: "SUBCOMMANDS:\n").dropFirst().first else { return [] }
        let lines = section.split(separator: "\n", omittingEmptySubsequences: false).prefix { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        return lines.compactMap { line -> String? in
            guard line.hasPrefix("  "), !line.hasPrefix("    "), let name = line.split(separator: " ").first,
                  name.allSatisfy({ $0.isLowercase || $0 == "-" }) else { return nil }
            return name == "help" ? nil : String(name)
        }
    }
}

/// Bad input: one clear line naming the problem, a non-zero exit, no stack trace.
@Suite struct SpacesBadInputTests {
    func expectFailure(_ arguments: [String], mentions fragments: [String]) throws {
        let result = try FathomProcess.run(arguments)
        #expect(result.status == 1 || result.status == 2 || result.status == 64, "exit status \(result.status)")
        for fragment in fragments { #expect(result.stderr.contains(fragment), "stderr: \(result.stderr)") }
        #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("Stack dump"))
    }

    @Test func unknownSpace() throws {
        try expectFailure(["spaces", "sample", "darts", "--count", "1"], mentions: ["unknown search space 'darts'", "nasbench201"])
    }

    @Test func unknownOpAndWrongCounts() throws {
        try expectFailure(["spaces", "stats", "nasbench201", "--arch", "|sep_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|"],
                          mentions: ["unknown op 'sep_conv_3x3'", "nor_conv_3x3"])
        try expectFailure(["spaces", "stats", "fbnet", "--arch", "k3_e1-skip"], mentions: ["expected 22 layers", "got 2"])
    }

    @Test func outOfRangeElasticValues() throws {
        try expectFailure(["spaces", "stats", "ofa-mbv3", "--arch", "r130|k3e4,k3e4|k3e4,k3e4|k3e4,k3e4|k3e4,k3e4|k3e4,k3e4"],
                          mentions: ["resolution 130 is not allowed"])
        try expectFailure(["spaces", "stats", "ofa-mbv3", "--arch", "r224|k4e4,k3e4|k3e4,k3e4|k3e4,k3e4|k3e4,k3e4|k3e4,k3e4"],
                          mentions: ["kernel of stage 0 block 0 4 is not allowed", "3, 5, 7"])
    }

    @Test func malformedUserSpaceFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-bad-space-\(UUID().uuidString).json")
        try Data("{\"fathom_space\": 1, \"name\": ".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        try expectFailure(["spaces", "sample", file.path, "--count", "1"], mentions: [file.path, "malformed JSON"])
    }

    @Test func negativeCount() throws {
        try expectFailure(["spaces", "sample", "nasbench201", "--count", "-3"], mentions: ["--count"])
    }
}
