import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The client side of the agent protocol: runs `COMMAND` through `/bin/sh -c` (for instance
/// `ssh host fathom agent --stdio`) and sends it one request per line. The agent's stderr passes through. An agent that
/// exits, breaks the protocol or stays silent past the deadline gives a `MeasureError`, never a hang.
public final class RemoteAgent: MeasurementAgent {
    public let command: String
    /// Seconds added to every deadline (process start, ssh, waiting for the remote machine's measurement lock).
    public let slackSeconds: Double
    private let process = Process()
    private let requests: FileHandle
    private let replies: LineReader
    private var nextID = 1

    /// Starts the agent process.
    public init(command: String, slackSeconds: Double = 120) throws {
        self.command = command
        self.slackSeconds = slackSeconds
        signal(SIGPIPE, SIG_IGN)
        let input = Pipe(), output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.standardInput = input
        process.standardOutput = output
        do {
            try process.run()
        } catch {
            throw MeasureError.agentFailed(command: command, reason: "cannot start it: \(error.localizedDescription)")
        }
        try? input.fileHandleForReading.close()
        try? output.fileHandleForWriting.close()
        requests = input.fileHandleForWriting
        replies = LineReader(descriptor: output.fileHandleForReading.fileDescriptor)
    }

    /// Closes the agent's input (it exits on end of input) and waits briefly for it.
    deinit {
        try? requests.close()
        let deadline = Date().addingTimeInterval(2)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { process.terminate() }
    }

    public func device() throws -> DeviceReport {
        let reply = try call(AgentRequest(id: .number(nextID), op: "fingerprint"), within: 30)
        guard let device = reply.device else { throw MeasureError.agentFailed(command: command, reason: "fingerprint reply without \"device\"") }
        return device
    }

    public func measure(_ request: MeasurementRequest) throws -> [NetworkMeasurement] {
        let perNetwork = (request.policy.maxSeconds + request.policy.warmupSeconds + 5) * (request.perLayer ? 2 : 1)
        let reply = try call(AgentRequest(id: .number(nextID), measuring: request), within: perNetwork * Double(request.archs.count))
        guard let measurements = reply.measurements, measurements.count == request.archs.count else {
            throw MeasureError.agentFailed(command: command, reason: "measure reply without one measurement per architecture")
        }
        return measurements
    }

    /// Sends `request` and waits up to `seconds` (plus the slack) for its reply.
    private func call(_ request: AgentRequest, within seconds: Double) throws -> AgentReply {
        nextID += 1
        var line = Data(try MeasureJSON.line(request).utf8)
        line.append(UInt8(ascii: "\n"))
        let written = line.withUnsafeBytes { write(requests.fileDescriptor, $0.baseAddress, $0.count) }
        guard written == line.count else { throw MeasureError.agentFailed(command: command, reason: exitNote("it stopped reading requests")) }
        while true {
            switch try replies.next(within: seconds + slackSeconds) {
            case .timedOut:
                throw MeasureError.agentTimedOut(command: command, seconds: seconds + slackSeconds)
            case .endOfFile:
                throw MeasureError.agentFailed(command: command, reason: exitNote("it closed its output without answering"))
            case let .line(text):
                guard let reply = try? MeasureJSON.decoder.decode(AgentReply.self, from: Data(text.utf8)) else {
                    throw MeasureError.agentFailed(command: command, reason: "it printed a line that is not a reply: \(text.prefix(200))")
                }
                guard reply.id == request.id || reply.id == nil else { continue }
                guard reply.ok else { throw MeasureError.agentRejected(command: command, message: reply.error ?? "no reason given") }
                return reply
            }
        }
    }

    /// `reason`, plus the exit status once the process has ended (waiting up to a second for it).
    private func exitNote(_ reason: String) -> String {
        let deadline = Date().addingTimeInterval(1)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        return process.isRunning ? reason : "\(reason) (it exited with status \(process.terminationStatus))"
    }
}
