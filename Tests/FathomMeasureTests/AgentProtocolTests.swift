@testable import FathomMeasure
import Foundation
import Testing

@Suite struct AgentProtocolTests {
    static let arch = "|nor_conv_3x3~0|+|nor_conv_1x1~0|nor_conv_1x1~1|+|skip_connect~0|nor_conv_3x3~1|none~2|"

    func reply(_ line: String, agent: FakeAgent = FakeAgent()) throws -> AgentReply {
        try MeasureJSON.decoder.decode(AgentReply.self, from: Data(AgentServer(agent: agent).reply(to: line).utf8))
    }

    @Test func measureRequestsCarryTheirSettingsAndEchoTheID() throws {
        let agent = FakeAgent()
        let r = try reply(#"{"id":7,"op":"measure","space":"fmnist-cell","arch":"a","batch":2,"threads":1,"keep_dead_edges":true,"max_seconds":0.5}"#,
                          agent: agent)
        #expect(r.ok && r.id == .number(7) && r.measurements?.map(\.arch) == ["a"])
        let sent = try #require(agent.requests.first)
        #expect(sent.batch == 2 && sent.threads == 1 && sent.keepsDeadEdges && sent.policy.maxSeconds == 0.5 && !sent.perLayer)
        let profiled = try reply(#"{"id":"x","op":"per_layer","space":"fmnist-cell","archs":["a","b"]}"#, agent: agent)
        #expect(profiled.id == .text("x") && profiled.measurements?.count == 2 && agent.requests.last?.perLayer == true)
    }

    @Test func fingerprintRepliesWithTheDevice() throws {
        let r = try reply(#"{"id":1,"op":"fingerprint"}"#)
        #expect(r.ok && r.device?.id == DeviceFingerprint.current().id && r.device?.calibration == Fixtures.calibration)
    }

    @Test(arguments: ["not json", "[1,2]", #"{"id":3}"#, #"{"id":3,"op":"fly"}"#, #"{"id":3,"op":"measure","space":"fmnist-cell"}"#,
                      #"{"id":3,"op":"measure","arch":"a"}"#, #"{"op":"measure","space":"fmnist-cell","arch":"a","max_seconds":-1}"#])
    func badRequestsGetAnErrorReply(line: String) throws {
        let r = try reply(line)
        #expect(!r.ok && !(r.error ?? "").isEmpty)
    }

    @Test func theServerKeepsServingAfterABadLineAndStopsAtEndOfInput() {
        var input = ["garbage", "", #"{"id":1,"op":"fly"}"#, #"{"id":2,"op":"fingerprint"}"#][...]
        var output: [String] = []
        AgentServer(agent: FakeAgent()).serve(readLine: { input.popFirst() }, write: { output.append($0) })
        #expect(output.count == 3)
        #expect(output[2].contains(#""ok":true"#) && output[1].contains("unknown op 'fly'"))
    }

    @Test func aRequestSurvivesTheWireUnchanged() throws {
        var policy = TimingPolicy()
        policy.minRuns = 4
        policy.maxSeconds = 0.25
        let request = MeasurementRequest(space: "fmnist-cell", archs: ["a", "b"], batch: 3, threads: 1, keepsDeadEdges: true, policy: policy, perLayer: true)
        let line = try MeasureJSON.line(AgentRequest(id: .number(1), measuring: request))
        #expect(line.contains(#""op":"per_layer""#) && line.contains(#""keep_dead_edges":true"#))
        let decoded = try MeasureJSON.decoder.decode(AgentRequest.self, from: Data(line.utf8))
        #expect(try decoded.measurementRequest() == request)
    }
}

@Suite struct RemoteAgentTests {
    @Test func anAgentThatExitsGivesAClearError() throws {
        let agent = try RemoteAgent(command: "false", slackSeconds: 5)
        #expect {
            _ = try agent.device()
        } throws: { error in
            guard case let .agentFailed(command, reason) = error as? MeasureError else { return false }
            return command == "false" && reason.contains("status 1")
        }
    }

    @Test func aSilentAgentTimesOut() throws {
        let agent = try RemoteAgent(command: "cat > /dev/null", slackSeconds: 0)
        let start = Date()
        #expect(throws: MeasureError.self) {
            _ = try agent.measure(MeasurementRequest(space: "fmnist-cell", archs: ["a"], batch: 1, threads: 1, keepsDeadEdges: false,
                                                     policy: { var p = TimingPolicy(); p.maxSeconds = 0.1; p.warmupSeconds = 0; return p }(),
                                                     perLayer: false))
        }
        #expect(Date().timeIntervalSince(start) < 30)
    }

    @Test func anAgentPrintingNonsenseIsReported() throws {
        let agent = try RemoteAgent(command: "read line; echo hello", slackSeconds: 5)
        #expect {
            _ = try agent.device()
        } throws: { "\($0)".contains("not a reply: hello") }
    }

    @Test func lineReaderTimesOutAndSeesEndOfFile() throws {
        let pipe = Pipe()
        let reader = LineReader(descriptor: pipe.fileHandleForReading.fileDescriptor)
        #expect(try reader.next(within: 0.05) == .timedOut)
        pipe.fileHandleForWriting.write(Data("one\ntw".utf8))
        #expect(try reader.next(within: 1) == .line("one"))
        try pipe.fileHandleForWriting.close()
        #expect(try reader.next(within: 1) == .endOfFile)
    }
}
