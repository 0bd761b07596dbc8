import ArgumentParser
import FathomMeasure
import Foundation

/// `fathom agent --stdio`: the measurement agent, answering line-delimited JSON requests on stdin/stdout.
struct AgentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Serve measurement requests, one JSON object per line on stdin, one reply per line on stdout (no open port).",
        discussion: """
        Requests: {"id":1,"op":"fingerprint"}
                  {"id":2,"op":"measure","space":"nasbench201","arch":"…","batch":1,"threads":2,"keep_dead_edges":false}
                  {"id":3,"op":"per_layer","space":"fmnist-cell","arch":"…","min_runs":10,"max_seconds":5}
        "archs": [...] instead of "arch" times several architectures interleaved. Replies carry "ok", the request's "id",
        and "device" or "measurements", or "error". A bad line gets an error reply; end of input ends the agent.
        Example (from another machine): fathom measure nasbench201 --arch '…' --agent 'ssh host fathom agent --stdio'
        """
    )

    @Flag(help: "Speak the protocol on stdin/stdout (the only transport).") var stdio = false

    func validate() throws {
        guard stdio else { throw ValidationError("pass --stdio: the agent speaks line-delimited JSON on stdin/stdout") }
    }

    func run() throws {
        let agent = LocalAgent(note: { printNote("agent: " + $0) })
        AgentServer(agent: agent).serve(readLine: { Swift.readLine() }, write: { line in
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        })
    }
}
